package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Protocol transcripts over real loopback sockets against a server on a real SQLite store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpTranscriptTest {
    Path dir;
    SmtpFixture fx;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        fx = new SmtpFixture(dir);
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private SmtpClient mx() throws Exception {
        SmtpClient c = fx.connect("smtp");
        assertThat(c.reply()).isEqualTo("220 mx.example.test ESMTP Jotmai ready");
        return c;
    }

    /** Every test of bad input also checks that the next connection still works. */
    private void serverStillWorks() throws Exception {
        try (SmtpClient c = mx()) {
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 OK");
            assertThat(c.send("QUIT")).startsWith("221 2.0.0");
        }
    }

    private static String message(String subject) {
        return "From: a@remote.test\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\n\r\nHello\r\n";
    }

    @Test
    void ehloListsTheExtensionsAsMultiLineReply() throws Exception {
        try (SmtpClient c = mx()) {
            assertThat(c.send("EHLO client.remote.test")).isEqualTo(String.join("\n",
                    "250-mx.example.test greets 127.0.0.1",
                    "250-PIPELINING",
                    "250-SIZE 52428800",
                    "250-8BITMIME",
                    "250-ENHANCEDSTATUSCODES",
                    "250-SMTPUTF8",
                    "250-CHUNKING",
                    "250-BINARYMIME",
                    "250-DSN",
                    "250-STARTTLS",
                    "250 HELP"));
            assertThat(c.send("HELO client.remote.test")).isEqualTo("250 mx.example.test");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 mx.example.test closing connection");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aMessageToALocalUserIsStoredWithTraceHeadersAndExactContent() throws Exception {
        int before = fx.inbox(fx.bob).size();
        try (SmtpClient c = mx()) {
            assertThat(c.send("EHLO client.remote.test")).startsWith("250-");
            assertThat(c.send("MAIL FROM:<sender@remote.test>")).isEqualTo("250 2.1.0 Sender OK");
            assertThat(c.send("RCPT TO:<Bob@Example.Test>")).isEqualTo("250 2.1.5 Recipient OK");
            assertThat(c.send("DATA")).isEqualTo("354 Start mail input; end with <CRLF>.<CRLF>");
            assertThat(c.send("Subject: hi\r\n\r\n..dot line\r\nend\r\n.")).startsWith("250 2.0.0 Message accepted");
        }
        List<byte[]> inbox = fx.inbox(fx.bob);
        assertThat(inbox).hasSize(before + 1);
        String stored = new String(inbox.getLast(), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <sender@remote.test>\r\nReceived: from client.remote.test ([127.0.0.1])\r\n"
                + "\tby mx.example.test (Jotmai) with ESMTP\r\n");
        assertThat(stored).contains("\tfor <Bob@Example.Test>;\r\n");
        assertThat(stored).endsWith("\r\nSubject: hi\r\n\r\n.dot line\r\nend\r\n");
    }

    @Test
    void commandsOutOfOrderGet503() throws Exception {
        try (SmtpClient c = mx()) {
            assertThat(c.send("MAIL FROM:<a@remote.test>")).isEqualTo("503 5.5.1 Send EHLO or HELO first");
            c.send("EHLO x");
            assertThat(c.send("RCPT TO:<alice@example.test>")).isEqualTo("503 5.5.1 Need MAIL before RCPT");
            assertThat(c.send("DATA")).isEqualTo("503 5.5.1 Need MAIL before DATA");
            assertThat(c.send("MAIL FROM:<a@remote.test>")).startsWith("250");
            assertThat(c.send("MAIL FROM:<a@remote.test>")).isEqualTo("503 5.5.1 Nested MAIL command");
            assertThat(c.send("DATA")).isEqualTo("554 5.5.1 No valid recipients");
            assertThat(c.send("RSET")).isEqualTo("250 2.0.0 OK");
            assertThat(c.send("RCPT TO:<alice@example.test>")).startsWith("503");
        }
        serverStillWorks();
    }

    @Test
    void unknownCommandsSyntaxErrorsAndSimpleCommandsAnswerAsTheRfcSays() throws Exception {
        try (SmtpClient c = mx()) {
            assertThat(c.send("FOO")).isEqualTo("500 5.5.1 Command unrecognized");
            assertThat(c.send("EHLO")).startsWith("501 5.5.2");
            c.send("EHLO x");
            assertThat(c.send("MAIL FROM:alice@example.test")).startsWith("501 5.5.2");
            assertThat(c.send("MAIL FROM:<a@remote.test> FOO=BAR")).startsWith("555 5.5.4");
            assertThat(c.send("VRFY alice")).startsWith("252 2.5.0");
            assertThat(c.send("EXPN team")).startsWith("502 5.5.1");
            assertThat(c.send("HELP")).startsWith("214 2.0.0");
            assertThat(c.send("NOOP anything")).isEqualTo("250 2.0.0 OK");
            assertThat(c.send("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=")).startsWith("502 5.5.1");
        }
        serverStillWorks();
    }

    @Test
    void overlongCommandLinesGet500AndTheSessionGoesOn() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            assertThat(c.send("NOOP " + "x".repeat(600))).isEqualTo("500 5.5.2 Line too long");
            assertThat(c.send("NOOP " + "x".repeat(200_000))).isEqualTo("500 5.5.2 Line too long");
            c.write("NOOP\n");
            assertThat(c.reply()).startsWith("500 5.5.2 Lines must end with CRLF");
            assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 OK");
        }
        serverStillWorks();
    }

    @Test
    void mailAndRcptParametersAreCheckedAsTheirRfcsSay() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            assertThat(c.send("MAIL FROM:<a@remote.test> BODY=BINARY")).startsWith("555 5.5.4");
            assertThat(c.send("MAIL FROM:<a@remote.test> RET=SOME")).startsWith("501 5.5.2");
            assertThat(c.send("MAIL FROM:<a@remote.test> SIZE=abc")).startsWith("501 5.5.2");
            assertThat(c.send("MAIL FROM:<a@remote.test> SMTPUTF8=yes")).startsWith("501 5.5.2");
            assertThat(c.send("MAIL FROM:<a@remote.test> AUTH=<> RET=FULL ENVID=QQ+2Bx")).startsWith("250 2.1.0");
            assertThat(c.send("RCPT TO:<alice@example.test> NOTIFY=NEVER,SUCCESS")).startsWith("501 5.5.2");
            assertThat(c.send("RCPT TO:<alice@example.test> NOTIFY=BOGUS")).startsWith("501 5.5.2");
            assertThat(c.send("RCPT TO:<alice@example.test> ORCPT=nosemicolon")).startsWith("501 5.5.2");
            assertThat(c.send("RCPT TO:<alice@example.test> FOO=1")).startsWith("555 5.5.4");
            assertThat(c.send("RCPT TO:<alice@example.test> NOTIFY=NEVER")).startsWith("250 2.1.5");
        }
    }

    @Test
    void heloSessionsWorkWithoutExtensionsAndAreTracedAsSmtp() throws Exception {
        try (SmtpClient c = mx()) {
            assertThat(c.send("HELO old.remote.test")).isEqualTo("250 mx.example.test");
            assertThat(c.send("MAIL FROM:<a@remote.test> SIZE=10")).startsWith("555 5.5.4");
            assertThat(c.send("MAIL FROM:<a@remote.test>")).startsWith("250");
            assertThat(c.send("RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            assertThat(c.send(message("helo") + ".")).startsWith("250");
        }
        assertThat(new String(fx.inbox(fx.alice).getLast(), StandardCharsets.UTF_8))
                .contains("Received: from old.remote.test ([127.0.0.1])\r\n\tby mx.example.test (Jotmai) with SMTP\r\n");
    }

    @Test
    void unknownLocalRecipientsAreRefusedAtRcpt() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test>");
            assertThat(c.send("RCPT TO:<nobody@example.test>")).isEqualTo("550 5.1.1 No such user here");
            assertThat(c.send("RCPT TO:<alice+tag@example.test>")).startsWith("250 2.1.5");
            assertThat(c.send("RCPT TO:<team@example.test>")).startsWith("250 2.1.5");
            assertThat(c.send("RCPT TO:<anything@other.test>")).startsWith("250 2.1.5");
            assertThat(c.send("RCPT TO:<Postmaster>")).startsWith("250 2.1.5");
        }
    }

    @Test
    void theOpenRelayMatrixIsRefused() throws Exception {
        String[][] cases = {
            {"<user@remote.test>", "550 5.7.1"},
            {"<user%remote.test@example.test>", "550 5.7.1"},
            {"<\"user@remote.test\"@example.test>", "550 5.7.1"},
            {"<remote.test!user@example.test>", "550 5.7.1"},
            {"<@example.test:user@remote.test>", "550 5.7.1"},
            {"<@example.test,@mx.example.test:user@remote.test>", "550 5.7.1"},
            {"<user@remote.test@example.test>", "501"},
            {"<user@example.test.>", "501"},
            {"<user@remote.test.>", "501"},
            {"<user@[127.0.0.1]>", "550 5.7.1"},
            {"<user@[IPv6:::1]>", "550 5.7.1"},
        };
        long queued = fx.store.queue().size();
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test>");
            for (String[] rc : cases) {
                assertThat(c.send("RCPT TO:" + rc[0])).as(rc[0]).startsWith(rc[1]);
            }
            assertThat(c.send("DATA")).startsWith("554");
        }
        assertThat(fx.store.queue().size()).isEqualTo(queued);
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        int before = fx.inbox(fx.alice).size();
        try (SmtpClient c = mx()) {
            c.write("EHLO x\r\nMAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\nDATA\r\n");
            assertThat(c.reply()).startsWith("250-");
            assertThat(c.reply()).startsWith("250 2.1.0");
            assertThat(c.reply()).startsWith("250 2.1.5");
            assertThat(c.reply()).startsWith("550 5.1.1");
            assertThat(c.reply()).startsWith("354");
            c.write(message("pipelined") + ".\r\nQUIT\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0");
            assertThat(c.reply()).startsWith("221");
        }
        assertThat(fx.inbox(fx.alice)).hasSize(before + 1);
    }

    @Test
    void smugglingCannotInjectASecondMessage() throws Exception {
        for (String end : new String[] {"\n.\n", "\r.\r", "\n.\r\n"}) {
            int before = fx.inbox(fx.alice).size();
            try (SmtpClient c = mx()) {
                c.send("EHLO x");
                c.send("MAIL FROM:<a@remote.test>");
                c.send("RCPT TO:<bob@example.test>");
                assertThat(c.send("DATA")).startsWith("354");
                c.write("Subject: first\r\n\r\nbody" + end
                        + "MAIL FROM:<admin@example.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n"
                        + "Subject: smuggled\r\n\r\nevil\r\n.\r\n");
                assertThat(c.reply()).startsWith("554 5.6.0");
                assertThat(c.send("NOOP")).isEqualTo("250 2.0.0 OK");
            }
            assertThat(fx.inbox(fx.alice)).hasSize(before);
        }
        serverStillWorks();
    }

    @Test
    void aClientThatDisconnectsMidDataStoresNothing() throws Exception {
        int before = fx.inbox(fx.alice).size();
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test>");
            c.send("RCPT TO:<alice@example.test>");
            assertThat(c.send("DATA")).startsWith("354");
            // beyond the in-memory limit, so the content is in a staging file when the client vanishes
            c.write("Subject: cut off\r\n\r\n" + ("half a message " + "z".repeat(60) + "\r\n").repeat(2000));
        }
        serverStillWorks();
        assertThat(fx.inbox(fx.alice)).hasSize(before);
        // The session notices the vanished client on its own thread, so its clean-up may finish a moment
        // after the client has gone; the staging file must be gone once it has.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            try (var staged = java.nio.file.Files.list(dir.resolve("staging"))) {
                assertThat(staged.toList()).isEmpty();
            }
        });
        assertThat(fx.inbox(fx.alice)).hasSize(before);
    }

    @Test
    void aLargeMessageIsStagedInAFileAndStoredExactly() throws Exception {
        String body = "Subject: large\r\n\r\n" + ("0123456789".repeat(7) + "\r\n").repeat(4000); // ~290 KB
        int before = fx.inbox(fx.alice).size();
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test> SIZE=" + body.length());
            c.send("RCPT TO:<alice@example.test>");
            c.send("DATA");
            assertThat(c.send(body + ".")).startsWith("250 2.0.0");
        }
        assertThat(fx.inbox(fx.alice)).hasSize(before + 1);
        assertThat(new String(fx.inbox(fx.alice).getLast(), StandardCharsets.US_ASCII)).endsWith("\r\n" + body);
        try (var staged = java.nio.file.Files.list(dir.resolve("staging"))) {
            assertThat(staged.toList()).isEmpty();
        }
    }

    @Test
    void sizeIsEnforcedByParameterAndWhileReading() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            assertThat(c.send("MAIL FROM:<a@remote.test> SIZE=999999999999")).startsWith("552 5.3.4");
        }
    }

    @Test
    void chunkingDeliversWithBdatLast() throws Exception {
        int before = fx.inbox(fx.alice).size();
        String part1 = "Subject: chunks\r\n\r\n";
        String part2 = "line one\r\n.not stuffed\r\n";
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test> BODY=8BITMIME");
            c.send("RCPT TO:<alice@example.test>");
            c.write("BDAT " + part1.length() + "\r\n" + part1);
            assertThat(c.reply()).isEqualTo("250 2.0.0 " + part1.length() + " octets received");
            c.write("BDAT " + part2.length() + " LAST\r\n" + part2);
            assertThat(c.reply()).startsWith("250 2.0.0 Message accepted");
            assertThat(c.send("DATA")).startsWith("503");
            c.write("BDAT 5 LAST\r\nhello");
            assertThat(c.reply()).startsWith("503");
            assertThat(c.send("NOOP")).startsWith("250");
        }
        List<byte[]> inbox = fx.inbox(fx.alice);
        assertThat(inbox).hasSize(before + 1);
        assertThat(new String(inbox.getLast(), StandardCharsets.UTF_8)).endsWith("\r\n" + part1 + part2);
    }

    @Test
    void binaryMimeIsRefusedWithDataAndStoredExactlyWithBdat() throws Exception {
        int before = fx.inbox(fx.alice).size();
        byte[] head = "Subject: binary\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        content.writeBytes(head);
        for (int i = 0; i < 1200; i++) {
            content.write(i % 256); // NUL, bare CR and LF, 8-bit octets, no line structure
        }
        byte[] bytes = content.toByteArray();
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            assertThat(c.send("MAIL FROM:<a@remote.test> BODY=BINARYMIME")).startsWith("250");
            assertThat(c.send("RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("503 5.5.1"); // RFC 3030 §3
            c.write("BDAT " + bytes.length + " LAST\r\n");
            c.write(bytes);
            assertThat(c.reply()).startsWith("250 2.0.0 Message accepted");
        }
        List<byte[]> inbox = fx.inbox(fx.alice);
        assertThat(inbox).hasSize(before + 1);
        byte[] stored = inbox.getLast();
        assertThat(java.util.Arrays.copyOfRange(stored, stored.length - bytes.length, stored.length)).isEqualTo(bytes);
    }

    @Test
    void tooManyRecipientsGet452() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test>");
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 101; i++) {
                batch.append("RCPT TO:<alice+").append(i).append("@example.test>\r\n");
            }
            c.write(batch.toString());
            for (int i = 0; i < 100; i++) {
                assertThat(c.reply()).startsWith("250");
            }
            assertThat(c.reply()).isEqualTo("452 4.5.3 Too many recipients");
        }
    }

    @Test
    void nonAsciiAddressesNeedSmtputf8AndAThaiMessageArrivesIntact() throws Exception {
        fx.store.accounts().createAccount("สมชาย@example.test", "{PLAIN}x", 0);
        var thai = fx.store.accounts().account("สมชาย@example.test").orElseThrow();
        String body = "From: =?UTF-8?B?4Liq4Lih4LiK4Liy4Lii?= <สมชาย@example.test>\r\nSubject: สวัสดี\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "สวัสดีครับ ภาษาไทย\r\n";
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            assertThat(c.send("MAIL FROM:<ผู้ส่ง@remote.test>")).startsWith("553 5.6.7");
            assertThat(c.send("MAIL FROM:<a@remote.test> BODY=8BITMIME")).startsWith("250");
            assertThat(c.send("RCPT TO:<สมชาย@example.test>")).startsWith("553 5.6.7");
            c.send("RSET");
            assertThat(c.send("MAIL FROM:<ผู้ส่ง@remote.test> BODY=8BITMIME SMTPUTF8")).startsWith("250");
            assertThat(c.send("RCPT TO:<สมชาย@example.test>")).startsWith("250");
            c.send("DATA");
            assertThat(c.send(body + ".")).startsWith("250 2.0.0");
        }
        String stored = new String(fx.inbox(thai).getLast(), StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <ผู้ส่ง@remote.test>\r\n");
        assertThat(stored).contains("with UTF8SMTP\r\n");
        assertThat(stored).endsWith("\r\n" + body);
    }

    @Test
    void quotaIsCheckedAtRcpt() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test> SIZE=5000");
            assertThat(c.send("RCPT TO:<small@example.test>")).isEqualTo("552 5.2.2 Mailbox full: message larger than the quota");
            c.send("RSET");
            c.send("MAIL FROM:<a@remote.test>");
            assertThat(c.send("RCPT TO:<small@example.test>")).startsWith("250");
            c.send("DATA");
            assertThat(c.send("Subject: big\r\n\r\n" + ("x".repeat(70) + "\r\n").repeat(40) + "."))
                    .startsWith("552 5.2.2");
        }
    }

    @Test
    void aRecipientAtItsMessageQuotaGetsATemporaryMailboxFullAtRcptAndAtData() throws Exception {
        var counted = fx.store.accounts().createAccount("counted@example.test", "{PLAIN}x", 0);
        fx.store.accounts().setMessageQuota(counted.id(), 2);
        var inbox = fx.store.mail().mailbox(counted.id(), "INBOX").orElseThrow();
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test>");
            assertThat(c.send("RCPT TO:<counted@example.test>")).startsWith("250");
            c.send("DATA");
            assertThat(c.send(message("first") + ".")).startsWith("250 2.0.0");
            c.send("MAIL FROM:<a@remote.test>");
            assertThat(c.send("RCPT TO:<counted@example.test>")).startsWith("250");
            // the last free place is taken between RCPT and DATA: the store's check answers at DATA
            fx.store.mail().append(inbox.id(), jotmai.store.MessageSource.ofBytes(
                    message("meanwhile").getBytes(StandardCharsets.UTF_8)), java.util.Set.of(), java.time.Instant.now());
            c.send("DATA");
            assertThat(c.send(message("second") + ".")).isEqualTo("452 4.2.2 Mailbox full, try again later");
            c.send("MAIL FROM:<a@remote.test>");
            assertThat(c.send("RCPT TO:<counted@example.test>")).isEqualTo("452 4.2.2 Mailbox full, try again later");
        }
        assertThat(fx.store.mail().quota(counted.id()).messages()).isEqualTo(2);
    }

    @Test
    void lmtpAnswersOncePerRecipient() throws Exception {
        int alice = fx.inbox(fx.alice).size();
        int bob = fx.inbox(fx.bob).size();
        try (SmtpClient c = fx.connect("lmtp")) {
            assertThat(c.reply()).isEqualTo("220 mx.example.test LMTP Jotmai ready");
            assertThat(c.send("EHLO x")).startsWith("500 5.5.1");
            assertThat(c.send("LHLO x")).startsWith("250-mx.example.test");
            c.send("MAIL FROM:<a@remote.test>");
            assertThat(c.send("RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(c.send("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(c.send("RCPT TO:<x@remote.test>")).startsWith("550");
            c.send("DATA");
            c.write(message("lmtp") + ".\r\n");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Delivered");
            assertThat(c.reply()).isEqualTo("250 2.0.0 Delivered");
        }
        assertThat(fx.inbox(fx.alice)).hasSize(alice + 1);
        assertThat(fx.inbox(fx.bob)).hasSize(bob + 1);
    }

    @Test
    void aliasToAnExternalAddressIsQueuedDurably() throws Exception {
        long before = fx.store.queue().size();
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.send("MAIL FROM:<a@remote.test> RET=HDRS ENVID=abc123");
            assertThat(c.send("RCPT TO:<fwd@example.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;fwd@example.test"))
                    .startsWith("250");
            c.send("DATA");
            assertThat(c.send(message("forwarded") + ".")).startsWith("250 2.0.0");
        }
        assertThat(fx.store.queue().size()).isEqualTo(before + 1);
    }

    @Test
    void commandsPipelinedAfterStartTlsAreDiscardedNotExecutedInsideTls() throws Exception {
        // RFC 3207 §4.2 and the plaintext command injection bug class (CVE-2011-0411)
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            c.write("STARTTLS\r\nMAIL FROM:<injected@remote.test>\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            c.startTls();
            assertThat(c.send("RCPT TO:<alice@example.test>")).isEqualTo("503 5.5.1 Need MAIL before RCPT");
            assertThat(c.send("EHLO x")).startsWith("250-mx.example.test");
        }
    }

    @Test
    void clientsInTrustedNetworksMayRelayThroughTheMx(@TempDir Path other) throws Exception {
        try (SmtpFixture trusted = new SmtpFixture(other, c -> c.withTrustedNetworks(List.of("127.0.0.0/8")))) {
            long before = trusted.store.queue().size();
            try (SmtpClient c = trusted.connect("smtp")) {
                c.reply();
                c.send("EHLO app.internal");
                c.send("MAIL FROM:<app@example.test>");
                assertThat(c.send("RCPT TO:<customer@remote.test>")).startsWith("250 2.1.5");
                assertThat(c.send("RCPT TO:<user%remote.test@example.test>")).startsWith("550 5.7.1");
                c.send("DATA");
                assertThat(c.send(message("relayed") + ".")).startsWith("250 2.0.0");
            }
            assertThat(trusted.store.queue().size()).isEqualTo(before + 1);
        }
    }

    @Test
    void startTlsForgetsThePreviousGreetingAndRefusesASecondStartTls() throws Exception {
        try (SmtpClient c = mx()) {
            c.send("EHLO x");
            assertThat(c.send("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            c.startTls();
            assertThat(c.send("MAIL FROM:<a@remote.test>")).startsWith("503");
            String ehlo = c.send("EHLO x");
            assertThat(ehlo).doesNotContain("STARTTLS");
            assertThat(c.send("STARTTLS")).startsWith("503");
            c.send("MAIL FROM:<a@remote.test>");
            c.send("RCPT TO:<alice@example.test>");
            c.send("DATA");
            assertThat(c.send(message("tls") + ".")).startsWith("250 2.0.0");
        }
        String stored = new String(fx.inbox(fx.alice).getLast(), StandardCharsets.UTF_8);
        assertThat(stored).containsPattern("with ESMTPS\r\n\t\\(TLSv1\\.[23] cipher TLS_");
    }
}
