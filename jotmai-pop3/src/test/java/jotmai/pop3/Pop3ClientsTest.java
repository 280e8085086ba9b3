package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jotmai.store.MessageMeta;

/** Real POP3 clients against the real server: Angus Mail, python3 poplib, fetchmail. */
class Pop3ClientsTest extends AliceMaildropTest {

    private int inboxSize() {
        return fx.store.mail().messages(fx.inbox(alice).id()).size();
    }

    @Test
    void angusMailReadsMessagesWithUidsAndDeletesOnClose() throws Exception {
        for (int i = 1; i <= 3; i++) {
            fx.deliver(alice, Pop3Fixture.message(i));
        }
        Properties props = new Properties();
        props.put("mail.pop3s.ssl.trust", "*");
        props.put("mail.pop3s.connectiontimeout", "30000");
        props.put("mail.pop3s.timeout", "30000");
        Session session = Session.getInstance(props);
        try (Store store = session.getStore("pop3s")) {
            store.connect("127.0.0.1", fx.pop3sPort(), "alice@example.test", "secret");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessageCount()).isEqualTo(3);
            Message second = inbox.getMessage(2);
            assertThat(second.getSubject()).isEqualTo("message 2");
            assertThat((String) second.getContent()).contains("Hello 2", ".a line with a dot");
            String uid = ((org.eclipse.angus.mail.pop3.POP3Folder) inbox).getUID(second);
            assertThat(uid).isEqualTo(fx.inbox(alice).uidValidity() + ".2");
            inbox.getMessage(1).setFlag(Flags.Flag.DELETED, true);
            inbox.close(true); // expunge = QUIT with DELE
        }
        assertThat(fx.store.mail().messages(fx.inbox(alice).id())).extracting(MessageMeta::uid).containsExactly(2L, 3L);
    }

    @Test
    void angusMailOverPlainPop3WithStls() throws Exception {
        fx.deliver(alice, Pop3Fixture.message(1));
        Properties props = new Properties();
        props.put("mail.pop3.starttls.enable", "true");
        props.put("mail.pop3.starttls.required", "true");
        props.put("mail.pop3.ssl.trust", "*");
        props.put("mail.pop3.timeout", "30000");
        try (Store store = Session.getInstance(props).getStore("pop3")) {
            store.connect("127.0.0.1", fx.pop3Port(), "alice@example.test", "secret");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("message 1");
            inbox.close(false);
        }
    }

    private static final String POPLIB_SCRIPT = """
            import poplib, ssl, sys
            port, pop3s_port = int(sys.argv[1]), int(sys.argv[2])
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            p = poplib.POP3('127.0.0.1', port, timeout=30)
            caps = p.capa()
            assert 'STLS' in caps and 'UIDL' in caps, caps
            p.stls(ctx)
            p.user('alice@example.test'); p.pass_('secret')
            count, size = p.stat()
            resp, listing, _ = p.list()
            assert len(listing) == count == 2, (count, listing)
            resp, uids, _ = p.uidl()
            total = 0
            for i in range(1, count + 1):
                resp, lines, octets = p.retr(i)
                expected = int(listing[i - 1].split()[1])
                body = b'\\r\\n'.join(lines) + b'\\r\\n'
                assert len(body) == expected, (len(body), expected)
                total += len(body)
            assert total == size, (total, size)
            resp, lines, _ = p.top(1, 0)
            assert lines[-1] == b'', lines
            p.dele(1)
            print(p.quit().decode())
            q = poplib.POP3_SSL('127.0.0.1', pop3s_port, context=ctx, timeout=30)
            q.user('alice@example.test'); q.pass_('secret')
            print('after', q.stat()[0], [u.decode() for u in q.uidl()[1]])
            q.quit()
            print('OK', [u.decode() for u in uids])
            """;

    @Test
    void pythonPoplibSmokeTestWithStlsAndPop3s() throws Exception {
        ExternalTool.require("python3", "python3");
        fx.deliver(alice, Pop3Fixture.message(1));
        fx.deliver(alice, Pop3SessionTest.bigMessage(300_000), java.util.Set.of());
        ExternalTool.Result r = ExternalTool.run(List.of("python3", "-c", POPLIB_SCRIPT,
                Integer.toString(fx.pop3Port()), Integer.toString(fx.pop3sPort())), Map.of(), dir);
        assertThat(r.exitCode()).as(r.output()).isZero();
        long v = fx.inbox(alice).uidValidity();
        assertThat(r.output()).contains("after 1 ['1 " + v + ".2']").contains("OK ['1 " + v + ".1', '2 " + v + ".2']");
        assertThat(inboxSize()).isEqualTo(1);
    }

    @Test
    void pythonPoplibLogsInWithApop() throws Exception {
        ExternalTool.require("python3", "python3");
        fx.restart(Pop3Config.loopback().withApop(true));
        fx.store.accounts().setApopSecret(alice.id(), java.util.Optional.of("tanstaaf"));
        fx.deliver(alice, Pop3Fixture.message(1));
        String script = """
                import poplib, sys
                p = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=30)
                print(p.apop('alice@example.test', 'tanstaaf').decode())
                print('stat', p.stat())
                p.quit()
                q = poplib.POP3('127.0.0.1', int(sys.argv[1]), timeout=30)
                try:
                    q.apop('alice@example.test', 'wrong')
                except poplib.error_proto as e:
                    print('refused', e)
                q.quit()
                """;
        ExternalTool.Result r = ExternalTool.run(List.of("python3", "-c", script, Integer.toString(fx.pop3Port())),
                Map.of(), dir);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("+OK maildrop has 1 messages").contains("stat (1, ")
                .contains("refused b'-ERR [AUTH] authentication failed'");
    }

    @Test
    void fetchmailWithKeepFetchesOnceAndWithoutKeepRemovesFromTheServer() throws Exception {
        ExternalTool.require("fetchmail", "fetchmail");
        for (int i = 1; i <= 3; i++) {
            fx.deliver(alice, Pop3Fixture.message(i));
        }
        Path mbox = dir.resolve("mbox");
        Path mda = dir.resolve("deliver.sh");
        Files.writeString(mda, "#!/bin/sh\n{ echo 'From fetchmail@localhost Sun Nov 29 00:00:00 2026'; "
                + "sed 's/^From />From /'; echo; } >> '" + mbox + "'\n");
        mda.toFile().setExecutable(true);

        ExternalTool.Result first = fetchmail(mda, true);
        assertThat(first.exitCode()).as("first run fetches\n" + first.output()).isZero();
        assertThat(messagesIn(mbox)).isEqualTo(3);
        ExternalTool.Result again = fetchmail(mda, true);
        assertThat(again.exitCode()).as("second run: no new mail (exit 1)\n" + again.output()).isEqualTo(1);
        assertThat(messagesIn(mbox)).isEqualTo(3);
        assertThat(inboxSize()).isEqualTo(3);

        fx.deliver(alice, Pop3Fixture.message(4));
        ExternalTool.Result noKeep = fetchmail(mda, false);
        assertThat(noKeep.exitCode()).as(noKeep.output()).isZero();
        assertThat(messagesIn(mbox)).isEqualTo(4);
        assertThat(Files.readString(mbox)).contains("Subject: message 4");
        assertThat(fx.store.mail().messages(fx.inbox(alice).id())).extracting(MessageMeta::uid).doesNotContain(4L);
    }

    private ExternalTool.Result fetchmail(Path mda, boolean keep) throws Exception {
        Path rc = dir.resolve("fetchmailrc");
        Files.writeString(rc, "poll 127.0.0.1 with protocol POP3 service " + fx.pop3Port() + " uidl\n"
                + "  user \"alice@example.test\" there with password \"secret\" is root here\n"
                + "  " + (keep ? "keep" : "nokeep") + " no sslcertck mda \"" + mda + "\"\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        return ExternalTool.run(List.of("fetchmail", "--nodetach", "-f", rc.toString(),
                "--idfile", dir.resolve("fetchids").toString(), "--pidfile", dir.resolve("fetchmail.pid").toString(), "-v"),
                Map.of("HOME", dir.toString(), "FETCHMAILHOME", dir.toString()), dir);
    }

    private static int messagesIn(Path mbox) throws Exception {
        if (!Files.exists(mbox)) {
            return 0;
        }
        return (int) Pattern.compile("^From fetchmail@localhost ", Pattern.MULTILINE)
                .matcher(Files.readString(mbox, StandardCharsets.ISO_8859_1)).results().count();
    }
}
