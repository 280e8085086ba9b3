package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.mail.BodyPart;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.SubjectTerm;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.MailStore;
import jotmai.store.MessageSource;

/** Real clients against the real server: Angus Mail (jakarta.mail), python3 imaplib, isync's mbsync. */
class RealClientsTest extends ImapServerTestBase {
    private IMAPStore angus() throws Exception {
        return fx.angus("alice@example.test");
    }

    @Test
    void angusMailManagesFoldersAppendsFetchesPartsFlagsAndSearches() throws Exception {
        IMAPStore store = angus();
        try {
            Folder projects = store.getFolder("Projects");
            assertThat(projects.create(Folder.HOLDS_MESSAGES | Folder.HOLDS_FOLDERS)).isTrue();
            assertThat(List.of(store.getDefaultFolder().list("*")).stream().map(Folder::getFullName))
                    .contains("INBOX", "Projects", "Sent", "Trash");

            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress("bob@example.org", "Bob Ünicode"));
            m.setRecipients(Message.RecipientType.TO, "alice@example.test");
            m.setSubject("Quarterly report สวัสดี", "UTF-8");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Please find the figures attached.", "UTF-8");
            MimeBodyPart attachment = new MimeBodyPart();
            attachment.setContent(new byte[] {0, 1, 2, 3, (byte) 0xff}, "application/octet-stream");
            attachment.setFileName("figures.bin");
            m.setContent(new MimeMultipart(text, attachment));
            m.saveChanges();
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.appendMessages(new Message[] {m});
            assertThat(inbox.getMessageCount()).isEqualTo(1);

            Message got = inbox.getMessage(1);
            assertThat(got.getSubject()).isEqualTo("Quarterly report สวัสดี");
            Multipart parts = (Multipart) got.getContent();
            assertThat(parts.getCount()).isEqualTo(2);
            assertThat(parts.getBodyPart(0).getContent()).isEqualTo("Please find the figures attached.");
            BodyPart file = parts.getBodyPart(1);
            assertThat(file.getFileName()).isEqualTo("figures.bin");
            assertThat(file.getInputStream().readAllBytes()).containsExactly(0, 1, 2, 3, 0xff);

            got.setFlag(Flags.Flag.FLAGGED, true);
            assertThat(inbox.getMessage(1).isSet(Flags.Flag.FLAGGED)).isTrue();
            assertThat(inbox.search(new SubjectTerm("quarterly"))).hasSize(1);
            assertThat(inbox.search(new SubjectTerm("nothing like this"))).isEmpty();

            inbox.copyMessages(new Message[] {got}, projects);
            projects.open(Folder.READ_ONLY);
            assertThat(projects.getMessageCount()).isEqualTo(1);
            projects.close(false);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void angusMailIdleIsWokenByADelivery() throws Exception {
        IMAPStore store = angus();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            CompletableFuture<Integer> added = new CompletableFuture<>();
            inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
                @Override
                public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
                    added.complete(e.getMessages().length);
                }
            });
            Thread idler = Thread.ofPlatform().start(() -> {
                try {
                    inbox.idle(true);
                } catch (Exception ignored) {
                    // the folder closes at the end of the test
                }
            });
            Thread.sleep(500); // let IDLE start; a delivery before that is seen at the next command anyway
            // what SMTP delivery does: one deliver() call into the store
            MailStore mail = fx.store.mail();
            mail.deliver(MessageSource.ofBytes(ImapFixture.message(1).getBytes(StandardCharsets.UTF_8)),
                    List.of(new MailStore.DeliveryTarget(fx.inbox(alice).id(), Set.of())), Instant.now());
            assertThat(added.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            idler.join(30_000);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void pythonImaplibSmokeTest() throws Exception {
        ExternalTools.require("python3", "python3");
        for (int i = 0; i < 3; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
        String script = """
                import imaplib, sys
                m = imaplib.IMAP4('127.0.0.1', int(sys.argv[1]))
                m.login('alice@example.test', 'secret')
                typ, data = m.select('INBOX'); assert typ == 'OK' and data == [b'3'], data
                typ, data = m.search(None, 'SUBJECT', '"message 1"'); assert data == [b'2'], data
                typ, data = m.fetch('2', '(RFC822)'); assert b'Hello 1' in data[0][1], data
                typ, data = m.store('1', '+FLAGS', '\\\\Deleted'); assert typ == 'OK', data
                typ, data = m.expunge(); assert data == [b'1'], data
                typ, data = m.append('Sent', '(\\\\Seen)', None, b'Subject: sent\\r\\n\\r\\nhi\\r\\n'); assert typ == 'OK', data
                typ, data = m.list(); assert any(b'"Sent"' in l or b' Sent' in l for l in data), data
                typ, data = m.status('Sent', '(MESSAGES)'); assert b'MESSAGES 1' in data[0], data
                m.logout()
                print('imaplib ok')
                """;
        Path py = dir.resolve("smoke.py");
        Files.writeString(py, script);
        assertThat(ExternalTools.run(dir, 60, "python3", py.toString(), String.valueOf(fx.port()))).contains("imaplib ok");
    }

    @Test
    void mbsyncSyncsTwoHundredMessagesBothWaysAndThenHasNothingToDo() throws Exception {
        ExternalTools.require("mbsync", "isync");
        for (int i = 0; i < 200; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
        Path maildir = dir.resolve("maildir");
        Files.createDirectories(maildir);
        Path rc = dir.resolve("mbsyncrc");
        Files.writeString(rc, """
                IMAPAccount jotmai
                Host 127.0.0.1
                Port %d
                User alice@example.test
                Pass secret
                SSLType None
                AuthMechs LOGIN

                IMAPStore remote
                Account jotmai

                MaildirStore local
                Path %s/
                Inbox %s/INBOX
                SubFolders Verbatim

                Channel sync
                Far :remote:
                Near :local:
                Patterns INBOX
                Create Both
                Expunge Both
                SyncState *
                """.formatted(fx.port(), maildir, maildir));
        ExternalTools.run(dir, 300, "mbsync", "-c", rc.toString(), "-a");
        Path cur = maildir.resolve("INBOX/cur");
        Path fresh = maildir.resolve("INBOX/new");
        assertThat(countFiles(cur) + countFiles(fresh)).isEqualTo(200);

        // flag changes on both sides: the client marks one seen (maildir "S"), the server flags another
        Path one;
        try (Stream<Path> s = Stream.concat(Files.list(cur), Files.list(fresh))) {
            one = s.sorted().findFirst().orElseThrow();
        }
        Path seenFile = cur.resolve(one.getFileName().toString().replaceAll(":2,.*$", "") + ":2,S");
        Files.move(one, seenFile);
        long inboxId = fx.inbox(alice).id();
        fx.store.mail().updateFlags(inboxId, jotmai.store.UidSet.of(200), jotmai.store.FlagOperation.ADD,
                Set.of(jotmai.store.Flags.FLAGGED), java.util.OptionalLong.empty());
        ExternalTools.run(dir, 300, "mbsync", "-c", rc.toString(), "-a");
        assertThat(fx.store.mail().messages(inboxId).stream().filter(m -> m.hasFlag(jotmai.store.Flags.SEEN)))
                .hasSize(1);
        try (Stream<Path> s = Stream.concat(Files.list(cur), Files.list(fresh))) {
            assertThat(s.filter(p -> p.getFileName().toString().matches(".*:2,[A-Z]*F.*"))).hasSize(1);
        }

        // a second run finds nothing to do: same files, same server state
        List<String> before = listing(maildir);
        long modSeq = fx.store.mail().status(inboxId).highestModSeq();
        String out = ExternalTools.run(dir, 300, "mbsync", "-V", "-c", rc.toString(), "-a");
        assertThat(listing(maildir)).isEqualTo(before);
        assertThat(fx.store.mail().status(inboxId).highestModSeq()).isEqualTo(modSeq);
        assertThat(fx.store.mail().messages(inboxId)).hasSize(200);
        assertThat(out).doesNotContain("Error");
    }

    private static long countFiles(Path d) throws Exception {
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    private static List<String> listing(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".mbsync"))
                    .filter(p -> !p.getFileName().toString().startsWith(".uidvalidity"))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
