package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/** Transcript tests over real loopback sockets against a real SQLite store. */
class Pop3SessionTest extends AliceMaildropTest {

    private List<AppendResult> deliver(int n) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> fx.deliver(alice, Pop3Fixture.message(i))).toList();
    }

    private List<Long> inboxUids() {
        return fx.store.mail().messages(fx.inbox(alice).id()).stream().map(MessageMeta::uid).toList();
    }

    @Test
    void capaBeforeLoginAdvertisesUserSaslStlsAndTheExtensions() throws Exception {
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "USER",
                    "SASL PLAIN LOGIN", "STLS", "EXPIRE NEVER", "IMPLEMENTATION Jotmai");
            c.login("alice@example.test", "secret");
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("TOP", "UIDL").doesNotContain("USER", "STLS");
        }
    }

    @Test
    void statListAndRetrReportExactOctetsAndDotStuffLines() throws Exception {
        List<AppendResult> sent = deliver(3);
        try (Pop3TestClient c = fx.connect()) {
            c.login("ALICE@example.test", "secret");
            long total = sent.stream().mapToLong(r -> r.meta().size()).sum();
            assertThat(c.command("STAT")).isEqualTo("+OK 3 " + total);
            assertThat(c.command("LIST")).startsWith("+OK");
            assertThat(c.readMultiLine()).containsExactly("1 " + sent.get(0).meta().size(),
                    "2 " + sent.get(1).meta().size(), "3 " + sent.get(2).meta().size());
            assertThat(c.command("LIST 2")).isEqualTo("+OK 2 " + sent.get(1).meta().size());
            assertThat(c.command("RETR 2")).isEqualTo("+OK " + sent.get(1).meta().size() + " octets");
            byte[] body = c.readMessageOctets();
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(Pop3Fixture.message(2));
            assertThat(body.length).isEqualTo(sent.get(1).meta().size());
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void retrSendsTheStuffedDotLineOnTheWire() throws Exception {
        deliver(1);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("RETR 1")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("..a line with a dot");
        }
    }

    @Test
    void topSendsHeaderAndTheRequestedBodyLines() throws Exception {
        deliver(1);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("TOP 1 0")).startsWith("+OK");
            assertThat(c.readMultiLine()).endsWith("Message-ID: <m1@example.org>", "");
            assertThat(c.command("TOP 1 2")).startsWith("+OK");
            assertThat(c.readMultiLine()).endsWith("", "Hello 1", "..a line with a dot");
        }
    }

    @Test
    void uidlIsStableAcrossSessionsRestartsAndOtherDeletions() throws Exception {
        List<AppendResult> sent = deliver(3);
        List<String> first;
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("UIDL")).startsWith("+OK");
            first = c.readMultiLine();
            assertThat(first).hasSize(3);
            assertThat(c.command("UIDL 3")).isEqualTo("+OK " + first.get(2));
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        fx.restart(Pop3Config.loopback());
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("UIDL")).startsWith("+OK");
            List<String> second = c.readMultiLine();
            // numbers shift after the deletion, the ids do not
            assertThat(second).containsExactly("1 " + first.get(1).split(" ")[1], "2 " + first.get(2).split(" ")[1]);
            assertThat(first.get(0).split(" ")[1]).isEqualTo(fx.inbox(alice).uidValidity() + "." + sent.get(0).uid());
        }
    }

    @Test
    void deleMarksAndQuitRemovesExactlyThoseMessages() throws Exception {
        List<AppendResult> sent = deliver(4);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertThat(c.command("DELE 4")).startsWith("+OK");
            assertThat(c.command("DELE 2")).isEqualTo("-ERR message 2 already deleted");
            assertThat(c.command("RETR 2")).startsWith("-ERR");
            assertThat(c.command("LIST 4")).startsWith("-ERR");
            assertThat(c.command("STAT")).startsWith("+OK 2 ");
            assertThat(c.command("LIST")).startsWith("+OK");
            assertThat(c.readMultiLine()).extracting(l -> l.split(" ")[0]).containsExactly("1", "3");
            assertThat(inboxUids()).hasSize(4); // nothing happens before QUIT
            assertThat(c.command("QUIT")).startsWith("+OK");
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertThat(inboxUids()).containsExactly(sent.get(0).uid(), sent.get(2).uid());
    }

    @Test
    void rsetUnmarksDeletions() throws Exception {
        deliver(2);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("RSET")).startsWith("+OK maildrop has 2 messages");
            assertThat(c.command("STAT")).startsWith("+OK 2 ");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(inboxUids()).hasSize(2);
    }

    @Test
    void aDroppedConnectionCommitsNothingAndReleasesTheLock() throws Exception {
        deliver(2);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("RETR 2")).startsWith("+OK");
            c.readMultiLine();
        } // vanishes without QUIT
        assertThat(inboxUids()).hasSize(2);
        assertThat(fx.store.mail().messages(fx.inbox(alice).id()).get(1).hasFlag(Flags.SEEN)).isFalse();
        try (Pop3TestClient c = awaitLogin()) {
            assertThat(c.command("STAT")).startsWith("+OK 2 ");
        }
    }

    /** The server notices a vanished client asynchronously; retry the login until the lock is free. */
    private Pop3TestClient awaitLogin() throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            Pop3TestClient c = fx.connect();
            assertThat(c.command("USER alice@example.test")).startsWith("+OK");
            String reply = c.command("PASS secret");
            if (reply.startsWith("+OK")) {
                return c;
            }
            assertThat(reply).startsWith("-ERR [IN-USE]");
            c.close();
            Thread.sleep(100);
        }
        throw new AssertionError("maildrop lock never released");
    }

    @Test
    void aSecondSessionGetsInUseWhileTheFirstHoldsTheMaildrop() throws Exception {
        deliver(1);
        try (Pop3TestClient first = fx.connect(); Pop3TestClient second = fx.connect()) {
            first.login("alice@example.test", "secret");
            assertThat(second.command("USER alice@example.test")).startsWith("+OK");
            assertThat(second.command("PASS secret")).startsWith("-ERR [IN-USE]");
            assertThat(first.command("QUIT")).startsWith("+OK");
            assertThat(first.isClosedByServer()).isTrue();
            assertThat(second.command("USER alice@example.test")).startsWith("+OK");
            assertThat(second.command("PASS secret")).startsWith("+OK");
        }
    }

    @Test
    void wrongPasswordsGetAuthErrorsThenTheConnectionIsClosed() throws Exception {
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("PASS secret")).isEqualTo("-ERR send USER first");
            assertThat(c.command("USER alice@example.test")).startsWith("+OK");
            assertThat(c.command("PASS wrong")).isEqualTo("-ERR [AUTH] authentication failed");
            assertThat(c.command("PASS secret")).isEqualTo("-ERR send USER first"); // start over with USER
            assertThat(c.command("USER nobody@example.test")).startsWith("+OK");
            assertThat(c.command("PASS wrong")).isEqualTo("-ERR [AUTH] authentication failed");
            assertThat(c.command("USER alice@example.test")).startsWith("+OK");
            assertThat(c.command("PASS wrong")).startsWith("-ERR [AUTH]");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void authPlainWithAndWithoutInitialResponse() throws Exception {
        String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("AUTH PLAIN " + plain)).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command("*")).isEqualTo("-ERR authentication cancelled");
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command("not base64!")).startsWith("-ERR");
            assertThat(c.command("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(c.command(plain)).startsWith("+OK");
        }
    }

    @Test
    void authLoginAsksForUsernameAndPassword() throws Exception {
        Base64.Encoder b64 = Base64.getEncoder();
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("AUTH")).startsWith("+OK");
            assertThat(c.readMultiLine()).containsExactly("PLAIN", "LOGIN");
            assertThat(c.command("AUTH LOGIN")).isEqualTo("+ " + b64.encodeToString("Username:".getBytes()));
            assertThat(c.command(b64.encodeToString("alice@example.test".getBytes()))).isEqualTo("+ " + b64.encodeToString("Password:".getBytes()));
            assertThat(c.command(b64.encodeToString("secret".getBytes()))).startsWith("+OK");
            assertThat(c.command("STAT")).startsWith("+OK 0 0");
        }
    }

    @Test
    void badInputGetsErrorsAndTheSessionStaysUsable() throws Exception {
        deliver(1);
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("STAT")).isEqualTo("-ERR log in first");
            assertThat(c.command("RETR 1")).isEqualTo("-ERR log in first");
            assertThat(c.command("XYZZY")).isEqualTo("-ERR unknown command");
            assertThat(c.command("APOP alice@example.test 0123456789abcdef")).startsWith("-ERR");
            assertThat(c.command("USER " + "x".repeat(5000))).isEqualTo("-ERR line too long");
            c.sendRaw(new byte[] {0, (byte) 0xff, (byte) 0xfe, '\r', '\n'});
            assertThat(c.readLine()).startsWith("-ERR");
            c.login("alice@example.test", "secret");
            assertThat(c.command("RETR 0")).startsWith("-ERR");
            assertThat(c.command("RETR 2")).startsWith("-ERR no such message");
            assertThat(c.command("RETR 99999999999999")).startsWith("-ERR");
            assertThat(c.command("TOP 1 x")).startsWith("-ERR");
            assertThat(c.command("USER bob")).isEqualTo("-ERR not allowed in TRANSACTION state");
            assertThat(c.command("STLS")).startsWith("-ERR");
            assertThat(c.command("NOOP")).isEqualTo("+OK");
            assertThat(c.command("STAT")).startsWith("+OK 1 ");
        }
    }

    @Test
    void aFloodOfBytesWithoutLineEndIsCutOff() throws Exception {
        try (Pop3TestClient c = fx.connect()) {
            byte[] junk = new byte[LineReader.MAX_DISCARD_OCTETS + 1000];
            java.util.Arrays.fill(junk, (byte) 'A');
            c.sendRaw(junk);
            assertThat(c.readLine()).startsWith("-ERR");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        deliver(2);
        try (Pop3TestClient c = fx.connect()) {
            c.sendRaw("USER alice@example.test\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL 1\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(c.readLine()).startsWith("+OK maildrop has 2");
            assertThat(c.readLine()).startsWith("+OK 2 ");
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(c.readMultiLine()).hasSize(2);
            assertThat(c.readLine()).startsWith("+OK 1 ");
            assertThat(c.readLine()).isEqualTo("+OK");
        }
    }

    @Test
    void stlsUpgradesAndTheSessionStartsOver() throws Exception {
        deliver(1);
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("USER alice@example.test")).startsWith("+OK");
            assertThat(c.command("STLS")).startsWith("+OK");
            c.startTls();
            assertThat(c.command("PASS secret")).isEqualTo("-ERR send USER first");
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("USER").doesNotContain("STLS");
            assertThat(c.command("STLS")).startsWith("-ERR");
            c.login("alice@example.test", "secret");
            assertThat(c.command("RETR 1")).startsWith("+OK");
            assertThat(c.readMessageOctets()).isEqualTo(Pop3Fixture.message(1).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void pop3sSpeaksTlsFromTheFirstByte() throws Exception {
        deliver(1);
        try (Pop3TestClient c = Pop3TestClient.connectTls(fx.pop3sPort())) {
            assertThat(c.isTls()).isTrue();
            c.login("alice@example.test", "secret");
            assertThat(c.command("STAT")).startsWith("+OK 1 ");
        }
    }

    @Test
    void aMessageExpungedOverImapDuringTheSessionFailsRetrCleanly() throws Exception {
        // The IMAP module does not exist yet: the "IMAP session" is simulated with direct MailStore calls.
        List<AppendResult> sent = deliver(3);
        long inbox = fx.inbox(alice).id();
        try (Pop3TestClient c = aliceLoggedIn()) {
            fx.store.mail().updateFlags(inbox, UidSet.of(sent.get(1).uid()), FlagOperation.ADD, Set.of(Flags.DELETED), OptionalLong.empty());
            assertThat(fx.store.mail().expunge(inbox, Optional.empty())).containsExactly(sent.get(1).uid());
            fx.deliver(alice, Pop3Fixture.message(4)); // new mail during the session is not visible
            assertThat(c.command("STAT")).startsWith("+OK 3 ");
            assertThat(c.command("RETR 2")).isEqualTo("-ERR message 2 was removed by another session");
            assertThat(c.command("TOP 2 0")).startsWith("-ERR");
            assertThat(c.command("RETR 3")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(inboxUids()).hasSize(2).doesNotContain(sent.get(0).uid(), sent.get(1).uid());
        // IMAP sees the POP3 deletion as an expunge in its change feed
        assertThat(fx.store.mail().changesSince(inbox, 0).changes())
                .anySatisfy(ch -> assertThat(ch).isEqualTo(new jotmai.store.StoreChange.Expunged(sent.get(0).uid(), ch.modSeq())));
    }

    @Test
    void aMessageExpungedElsewhereFailsRetrCleanlyAlsoWhenItsTombstoneWasPruned() throws Exception {
        // tombstones pruned below the session's snapshot (docs/ARCHITECTURE.md, expunge tombstones):
        // ExpungeWatch then decides by the UIDs that still exist
        List<AppendResult> sent = deliver(4);
        long inbox = fx.inbox(alice).id();
        try (Pop3TestClient c = aliceLoggedIn()) {
            for (int i : new int[] {1, 3}) {
                fx.store.mail().updateFlags(inbox, UidSet.of(sent.get(i).uid()), FlagOperation.ADD,
                        Set.of(Flags.DELETED), OptionalLong.empty());
                fx.store.mail().expunge(inbox, Optional.empty());
            }
            assertThat(fx.store.mail().pruneTombstones(inbox, 0, 100)).isEqualTo(2);
            assertThat(fx.store.mail().changesSince(inbox, 0).expungesComplete()).isFalse();
            assertThat(c.command("RETR 2")).isEqualTo("-ERR message 2 was removed by another session");
            assertThat(c.command("RETR 4")).isEqualTo("-ERR message 4 was removed by another session");
            assertThat(c.command("RETR 3")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void retrievedMessagesAreSeenForImapAfterQuit() throws Exception {
        deliver(2);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("RETR 1")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("TOP 2 1")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        List<MessageMeta> after = fx.store.mail().messages(fx.inbox(alice).id());
        assertThat(after.get(0).hasFlag(Flags.SEEN)).isTrue();
        assertThat(fx.store.mail().retrievedTimes(fx.inbox(alice).id())).containsOnlyKeys(after.get(0).uid());
        assertThat(after.get(0).flags()).as("no keyword visible to IMAP").containsExactly(Flags.SEEN);
        assertThat(after.get(1).hasFlag(Flags.SEEN)).isFalse();
    }

    @Test
    void hidingMessagesSeenOverImapLeavesOutOnlyThoseNeverDownloadedOverPop3() throws Exception {
        fx.restart(Pop3Config.loopback().withHideSeenOverImap(true));
        fx.deliver(alice, Pop3Fixture.message(1).getBytes(StandardCharsets.UTF_8), Set.of(Flags.SEEN)); // read in webmail
        fx.deliver(alice, Pop3Fixture.message(2));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("STAT")).startsWith("+OK 1 ");
            assertThat(c.command("RETR 1")).startsWith("+OK");
            assertThat(new String(c.readMessageOctets(), StandardCharsets.UTF_8)).contains("Subject: message 2");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("STAT")).as("downloaded over POP3, so still listed").startsWith("+OK 1 ");
        }
    }

    @Test
    void expireRemovesMessagesTheGivenNumberOfDaysAfterTheirFirstDownload() throws Exception {
        fx.restart(Pop3Config.loopback().withExpireDays(java.util.OptionalInt.of(3)));
        deliver(2);
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("EXPIRE 3");
            c.login("alice@example.test", "secret");
            assertThat(c.command("RETR 1")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        fx.clock.advance(Duration.ofDays(3));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("STAT")).as("three days are not over yet").startsWith("+OK 2 ");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        fx.clock.advance(Duration.ofDays(1));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("STAT")).startsWith("+OK 1 ");
        }
        assertThat(inboxUids()).hasSize(1);
    }

    @Test
    void loginDelayRefusesLoginsThatComeTooSoon() throws Exception {
        fx.restart(Pop3Config.loopback().withLoginDelay(Duration.ofMinutes(5)));
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("LOGIN-DELAY 300");
            c.login("alice@example.test", "secret");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        fx.clock.advance(Duration.ofMinutes(1));
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("USER alice@example.test")).startsWith("+OK");
            assertThat(c.command("PASS secret")).startsWith("-ERR [LOGIN-DELAY]");
        }
        fx.clock.advance(Duration.ofMinutes(5));
        try (Pop3TestClient c = aliceLoggedIn()) {
        }
    }

    @Test
    void loginDelayHoldsAcrossAServerRestartBecauseTheLastLoginIsInTheStore() throws Exception {
        fx.restart(Pop3Config.loopback().withLoginDelay(Duration.ofMinutes(5)));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        fx.restart(Pop3Config.loopback().withLoginDelay(Duration.ofMinutes(5))); // another process or node
        fx.clock.advance(Duration.ofMinutes(2));
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.command("USER alice@example.test")).startsWith("+OK");
            assertThat(c.command("PASS secret")).startsWith("-ERR [LOGIN-DELAY]");
        }
        assertThat(fx.store.accounts().lastLogin(alice.id(), LoginDelays.PROTOCOL))
                .contains(fx.clock.instant().minus(Duration.ofMinutes(2)));
    }

    @Test
    void expireZeroRemovesDownloadedMessagesAtTheNextLogin() throws Exception {
        fx.restart(Pop3Config.loopback().withExpireDays(java.util.OptionalInt.of(0)));
        deliver(2);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("RETR 2")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        fx.clock.advance(Duration.ofSeconds(1));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("STAT")).startsWith("+OK 1 ");
            assertThat(c.command("RETR 1")).startsWith("+OK");
            assertThat(new String(c.readMessageOctets(), StandardCharsets.UTF_8)).contains("Subject: message 1");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(fx.store.mail().retrievedTimes(fx.inbox(alice).id()).values()).containsExactly(fx.clock.instant());
        assertThat(inboxUids()).hasSize(1);
    }

    @Test
    void withoutApopTheGreetingHasNoTimestampAndApopIsRefused() throws Exception {
        fx.store.accounts().setApopSecret(alice.id(), Optional.of("tanstaaf"));
        try (Pop3TestClient c = fx.connect()) {
            assertThat(c.greeting).isEqualTo("+OK Jotmai POP3 server ready");
            assertThat(c.command("APOP alice@example.test c4c9334bac560ecc979e58001b3e22fb"))
                    .isEqualTo("-ERR APOP not supported, use USER/PASS or AUTH");
        }
    }

    @Test
    void apopLogsInWithTheDigestOfTheGreetingTimestampAndTheAccountsSecretOnly() throws Exception {
        fx.restart(Pop3Config.loopback().withApop(true));
        deliver(1);
        Account bob = fx.account("bob", "bob-password"); // no APOP secret
        fx.store.accounts().setApopSecret(alice.id(), Optional.of("tanstaaf"));
        try (Pop3TestClient c = fx.connect()) {
            String timestamp = apopTimestamp(c.greeting);
            assertThat(c.command("APOP alice@example.test " + md5Hex(timestamp + "wrong")))
                    .isEqualTo("-ERR [AUTH] authentication failed");
            assertThat(c.command("APOP bob@example.test " + md5Hex(timestamp + "bob-password")))
                    .as("an account without an APOP secret cannot use APOP, not even with its password")
                    .isEqualTo("-ERR [AUTH] authentication failed");
            assertThat(c.command("APOP alice@example.test " + md5Hex(timestamp + "tanstaaf")))
                    .isEqualTo("+OK maildrop has 1 messages (" + Pop3Fixture.message(1).length() + " octets)");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        try (Pop3TestClient c = fx.connect()) {
            String timestamp = apopTimestamp(c.greeting);
            assertThat(c.command("APOP alice@example.test nothex")).startsWith("-ERR [AUTH]");
            assertThat(c.command("APOP alice@example.test " + md5Hex("<1.2@other>" + "tanstaaf")))
                    .as("a digest over another greeting's timestamp (replay)").startsWith("-ERR [AUTH]");
            assertThat(c.command("APOP alice@example.test " + md5Hex(timestamp + "wrong again")))
                    .as("the third failure hangs up").startsWith("-ERR [AUTH]");
            assertThat(c.isClosedByServer()).isTrue();
        }
        try (Pop3TestClient c = fx.connect(); Pop3TestClient d = fx.connect()) {
            assertThat(apopTimestamp(c.greeting)).as("a fresh timestamp per connection").isNotEqualTo(apopTimestamp(d.greeting));
        }
        assertThat(bob.id()).isNotEqualTo(alice.id());
    }

    private static String apopTimestamp(String greeting) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(<[^<>@ ]+@[^<> ]+>)$").matcher(greeting);
        assertThat(m.find()).as(greeting).isTrue();
        return m.group(1);
    }

    static String md5Hex(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aClientVanishingMidRetrOfALargeMessageLeavesEverythingInPlace() throws Exception {
        byte[] big = bigMessage(8 * 1024 * 1024);
        AppendResult r = fx.deliver(alice, big, Set.of());
        assertThat(r.meta().size()).isEqualTo(big.length);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            assertThat(c.command("RSET")).startsWith("+OK");
            c.send("RETR 1");
            assertThat(c.readLine()).isEqualTo("+OK " + big.length + " octets");
            c.readLine();
        } // gone after one line
        try (Pop3TestClient c = awaitLogin()) {
            assertThat(c.command("RETR 1")).isEqualTo("+OK " + big.length + " octets");
            assertThat(c.readMessageOctets()).isEqualTo(big);
        }
    }

    @Test
    void aServerShutdownSaysGoodbyeBetweenCommandsAndCommitsNothing() throws Exception {
        deliver(2);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("DELE 1")).startsWith("+OK");
            Thread closer = Thread.ofVirtual().start(() -> fx.server.close(20_000));
            String reply = "";
            for (int i = 0; i < 100 && !reply.startsWith("-ERR"); i++) {
                reply = c.command("NOOP");
                Thread.sleep(100);
            }
            assertThat(reply).isEqualTo("-ERR [SYS/TEMP] server shutting down, try again later");
            assertThat(c.isClosedByServer()).isTrue();
            closer.join(30_000);
        }
        assertThat(inboxUids()).hasSize(2);
    }

    static byte[] bigMessage(int size) {
        StringBuilder sb = new StringBuilder("From: big@example.org\r\nSubject: big\r\n\r\n");
        int i = 0;
        while (sb.length() < size - 80) {
            sb.append(i % 7 == 0 ? "." : "").append("line ").append(i++).append(" of a large message, padded with text\r\n");
        }
        while (sb.length() < size - 2) {
            sb.append('x');
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
