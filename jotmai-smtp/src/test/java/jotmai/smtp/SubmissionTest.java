package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Submission (587, 465): AUTH, sender rules, external recipients to the queue, and a real client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionTest {
    SmtpFixture fx;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        fx = new SmtpFixture(dir, c -> c.withLimits(SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE, 100, 1000));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    private SmtpClient submission() throws Exception {
        SmtpClient c = fx.connect("submission");
        assertThat(c.reply()).startsWith("220 ");
        return c;
    }

    @Test
    void submissionRequiresAuthBeforeMail() throws Exception {
        try (SmtpClient c = submission()) {
            assertThat(c.send("EHLO x")).contains("250-AUTH PLAIN LOGIN").contains("250-STARTTLS");
            assertThat(c.send("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Authentication required");
        }
    }

    @Test
    void authIsRefusedOutOfSequence() throws Exception {
        try (SmtpClient c = submission()) {
            assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "secret"))).isEqualTo("503 5.5.1 Send EHLO first");
            assertThat(c.send("HELO x")).startsWith("250");
            assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "secret"))).startsWith("503 5.5.1");
            c.send("EHLO x");
            assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "secret"))).startsWith("235");
            c.send("MAIL FROM:<alice@example.test>");
            assertThat(c.send("RSET")).startsWith("250");
            assertThat(c.send("STARTTLS now")).startsWith("501");
            assertThat(c.send("QUIT now")).startsWith("501");
        }
    }

    @Test
    void withoutTlsANonLoopbackClientIsNotOfferedAuthAndGets538() throws Exception {
        java.net.InetAddress external = java.net.NetworkInterface.networkInterfaces()
                .flatMap(java.net.NetworkInterface::inetAddresses)
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "no non-loopback IPv4 address");
        var listener = new jotmai.shared.net.ListenerConfig("submission", new java.net.InetSocketAddress(external, 0),
                false, 100, 100, 50, java.time.Duration.ofSeconds(30));
        try (SmtpFixture other = new SmtpFixture(java.nio.file.Files.createTempDirectory("smtp-ext"),
                c -> c.withListeners(java.util.Optional.empty(), java.util.Optional.of(listener),
                        java.util.Optional.empty(), java.util.Optional.empty()))) {
            try (SmtpClient c = new SmtpClient(external, other.port("submission"))) {
                assertThat(c.reply()).startsWith("220");
                String ehlo = c.send("EHLO x");
                assertThat(ehlo).contains("STARTTLS").doesNotContain("AUTH");
                assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "secret"))).startsWith("538 5.7.11");
                assertThat(c.send("STARTTLS")).startsWith("220");
                c.startTls();
                assertThat(c.send("EHLO x")).contains("AUTH PLAIN LOGIN");
                assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "secret"))).startsWith("235");
            }
        }
    }

    @Test
    void wrongPasswordsGet535AndTheThirdFailureClosesTheSession() throws Exception {
        try (SmtpClient c = submission()) {
            c.send("EHLO x");
            assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "wrong"))).startsWith("535 5.7.8");
            assertThat(c.send("AUTH PLAIN !!notbase64")).startsWith("501 5.5.2");
            assertThat(c.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.send("*")).isEqualTo("501 5.0.0 Authentication cancelled");
            assertThat(c.send("AUTH CRAM-MD5")).startsWith("504 5.5.4");
            assertThat(c.send("AUTH PLAIN " + plain("nobody@example.test", "x"))).startsWith("535");
            String third = c.send("AUTH PLAIN " + plain("alice@example.test", "again"));
            assertThat(third).matches("(535 5\\.7\\.8|454 4\\.7\\.0).*");
        }
    }

    @Test
    void anAuthenticatedUserMaySendAsItselfAndItsAliasesOnly() throws Exception {
        long queued = fx.store.queue().size();
        int bobBefore = fx.inbox(fx.bob).size();
        try (SmtpClient c = submission()) {
            c.send("EHLO x");
            assertThat(c.send("AUTH LOGIN")).startsWith("334");
            assertThat(c.send(Base64.getEncoder().encodeToString("bob@example.test".getBytes()))).startsWith("334");
            assertThat(c.send(Base64.getEncoder().encodeToString(SmtpFixture.PASSWORD.getBytes())))
                    .isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.send("AUTH PLAIN " + plain("bob@example.test", "secret"))).startsWith("503");
            assertThat(c.send("MAIL FROM:<alice@example.test>")).startsWith("553 5.7.1");
            assertThat(c.send("MAIL FROM:<someone@remote.test>")).startsWith("553 5.7.1");
            assertThat(c.send("MAIL FROM:<team@example.test>")).startsWith("250");
            c.send("RSET");
            assertThat(c.send("MAIL FROM:<bob+lists@example.test>")).startsWith("250");
            c.send("RSET");
            assertThat(c.send("MAIL FROM:<Bob@Example.Test>")).startsWith("250");
            assertThat(c.send("RCPT TO:<friend@remote.test> NOTIFY=SUCCESS")).startsWith("250 2.1.5");
            assertThat(c.send("RCPT TO:<bob@example.test>")).startsWith("250 2.1.5");
            c.send("DATA");
            assertThat(c.send("Subject: out\r\n\r\nto the world\r\n.")).startsWith("250 2.0.0");
        }
        assertThat(fx.store.queue().size()).isEqualTo(queued + 1);
        String stored = new String(fx.inbox(fx.bob).get(bobBefore), StandardCharsets.UTF_8);
        assertThat(stored).contains("with ESMTPA\r\n\t(authenticated as bob@example.test)");
    }

    @Test
    void angusMailSendsWithStartTlsAndAuthAndTheStoreHasTheExactBytes() throws Exception {
        int before = fx.inbox(fx.bob).size();
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(fx.port("submission")));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.smtp.connectiontimeout", "30000");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@example.test"));
        m.setRecipients(Message.RecipientType.TO, "bob@example.test");
        m.setSubject("สวัสดี from Angus", "UTF-8");
        m.setText("Hello Bob,\n\nภาษาไทย in the body.\n.\nA line with only a dot above.\n", "UTF-8");
        m.saveChanges();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        m.writeTo(expected);
        try (Transport t = session.getTransport("smtp")) {
            t.connect("alice@example.test", SmtpFixture.PASSWORD);
            t.sendMessage(m, m.getAllRecipients());
        }
        List<byte[]> inbox = fx.inbox(fx.bob);
        assertThat(inbox).hasSize(before + 1);
        String stored = new String(inbox.getLast(), StandardCharsets.UTF_8);
        String sent = expected.toString(StandardCharsets.UTF_8);
        assertThat(stored).startsWith("Return-Path: <alice@example.test>\r\nReceived: from ");
        assertThat(stored).containsPattern("with ESMTPSA\r\n\t\\(TLSv1\\.[23] cipher [A-Z0-9_]+\\)\r\n"
                + "\t\\(authenticated as alice@example.test\\)");
        String trace = stored.substring(0, stored.length() - sent.length());
        assertThat(stored.substring(trace.length())).isEqualTo(sent);
        assertThat(trace).endsWith(" +0000\r\n");
    }

    @Test
    void implicitTlsSubmissionWorksWithAngusMail() throws Exception {
        int before = fx.inbox(fx.alice).size();
        Properties p = new Properties();
        p.put("mail.smtps.host", "127.0.0.1");
        p.put("mail.smtps.port", String.valueOf(fx.port("submissions")));
        p.put("mail.smtps.auth", "true");
        p.put("mail.smtps.ssl.trust", "*");
        p.put("mail.smtps.ssl.checkserveridentity", "false");
        p.put("mail.smtps.timeout", "30000");
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@example.test"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setSubject("note to self");
        m.setText("over port 465\n");
        m.saveChanges();
        try (Transport t = session.getTransport("smtps")) {
            t.connect("alice@example.test", SmtpFixture.PASSWORD);
            t.sendMessage(m, m.getAllRecipients());
        }
        assertThat(fx.inbox(fx.alice)).hasSize(before + 1);
    }

    @Test
    void theMailBombGuardLimitsMessagesPerHour() throws Exception {
        try (SmtpFixture limited = new SmtpFixture(java.nio.file.Files.createTempDirectory("smtp-rate"),
                c -> c.withLimits(SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE, 100, 1))) {
            try (SmtpClient c = new SmtpClient(limited.port("submission"))) {
                c.reply();
                c.send("EHLO x");
                assertThat(c.send("AUTH PLAIN " + plain("alice@example.test", "secret"))).startsWith("235");
                c.send("MAIL FROM:<alice@example.test>");
                c.send("RCPT TO:<bob@example.test>");
                c.send("DATA");
                assertThat(c.send("Subject: 1\r\n\r\none\r\n.")).startsWith("250");
                assertThat(c.send("MAIL FROM:<alice@example.test>")).startsWith("450 4.7.1");
            }
        }
    }
}
