package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;

/**
 * RFC 5465 NOTIFY over loopback against a real SQLite store: one session watches, another changes. The
 * watcher reads notifications while it sends nothing (§4: "at any time"), without IDLE unless stated.
 */
class NotifyTest {
    @TempDir
    Path dir;
    ImapFixture fx;
    Account alice;

    @BeforeEach
    void start() throws Exception {
        fx = new ImapFixture(dir);
        alice = fx.account("alice");
        fx.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private ImapTestClient client() throws Exception {
        return new ImapTestClient(fx.port()).login("alice@example.test");
    }

    private static final String MESSAGE = "From: a@example.org\r\nSubject: hi\r\n\r\nhello\r\n";

    private static String append(String mailbox) {
        return "APPEND " + mailbox + " {" + MESSAGE.length() + "+}\r\n" + MESSAGE;
    }

    @Test
    void notifyIsAdvertisedAfterLogin() throws Exception {
        try (ImapTestClient c = client()) {
            assertThat(c.command("CAPABILITY").get(0)).contains(" NOTIFY");
        }
    }

    @Test
    void personalWatcherSeesStatusForOtherMailboxesWithoutIdle() throws Exception {
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            List<String> set = watcher.command("NOTIFY SET STATUS (PERSONAL (MessageNew MessageExpunge FlagChange))");
            assertThat(ImapTestClient.last(set)).startsWith("t2 OK");
            // RFC 5465 §3.1: STATUS for every watched mailbox before the tagged OK
            assertThat(set).anyMatch(l -> l.matches("\\* STATUS INBOX \\(MESSAGES 0 UIDNEXT 1 UIDVALIDITY \\d+ HIGHESTMODSEQ \\d+\\)"));
            assertThat(set).anyMatch(l -> l.startsWith("* STATUS Sent (MESSAGES 0 "));

            assertThat(ImapTestClient.last(changer.command(append("Sent")))).startsWith("t2 OK");
            assertThat(watcher.readLine()).matches("\\* STATUS Sent \\(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \\d+ HIGHESTMODSEQ \\d+\\)");

            changer.command("SELECT Sent");
            changer.command("STORE 1 +FLAGS (\\Seen \\Deleted)");
            String flagged = watcher.readLine();
            assertThat(flagged).matches("\\* STATUS Sent \\(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \\d+ HIGHESTMODSEQ \\d+\\)");
            changer.command("EXPUNGE");
            assertThat(watcher.readLine()).matches("\\* STATUS Sent \\(MESSAGES 0 UIDNEXT 2 UIDVALIDITY \\d+ HIGHESTMODSEQ \\d+\\)")
                    .isNotEqualTo(flagged);

            // the watcher's own APPEND is not announced back to it (RFC 5465 §5)
            List<String> own = watcher.command(append("Drafts"));
            assertThat(own).noneMatch(l -> l.startsWith("* STATUS"));
            assertThat(watcher.command("NOOP")).containsExactly("t4 OK NOOP completed");
        }
    }

    @Test
    void mailboxNameAndSubscriptionChangesArriveAsListResponses() throws Exception {
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            assertThat(ImapTestClient.last(watcher.command("NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))")))
                    .startsWith("t2 OK");
            changer.command("CREATE Projects");
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\HasNoChildren) \"/\" Projects");
            changer.command("RENAME Projects Work");
            // RFC 5465 §5.4: the new name with OLDNAME (RFC 5258 extended data)
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\HasNoChildren) \"/\" Work (\"OLDNAME\" (Projects))");
            changer.command("SUBSCRIBE Work");
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\HasNoChildren \\Subscribed) \"/\" Work");
            changer.command("UNSUBSCRIBE Work");
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\HasNoChildren) \"/\" Work");
            changer.command("DELETE Work");
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\NonExistent) \"/\" Work");

            // its own CREATE is not announced to the watcher
            List<String> created = watcher.command("CREATE Mine");
            assertThat(created).hasSize(1);
            assertThat(created.get(0)).startsWith("t3 OK");
            assertThat(watcher.command("NOOP")).containsExactly("t4 OK NOOP completed");
        }
    }

    @Test
    void selectedMessageNewSendsExistsAndTheRequestedFetchAndExpungesAtOnce() throws Exception {
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            watcher.command("ENABLE IMAP4rev2");
            watcher.command("SELECT INBOX");
            assertThat(ImapTestClient.last(watcher.command(
                    "NOTIFY SET (SELECTED (MessageNew (UID BODY.PEEK[HEADER.FIELDS (Subject)]) MessageExpunge FlagChange))")))
                    .startsWith("t4 OK");
            fx.deliver(alice, ImapFixture.message(1));
            assertThat(watcher.readLine()).isEqualTo("* 1 EXISTS");
            assertThat(watcher.readLine()).startsWith("* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject)] {")
                    .contains("Subject: message 1");
            changer.command("SELECT INBOX");
            changer.command("STORE 1 +FLAGS (\\Deleted)");
            assertThat(watcher.readLine()).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Deleted))");
            changer.command("EXPUNGE");
            // RFC 5465 §6.1.1 SELECTED: expunges are not held back for a command
            assertThat(watcher.readLine()).isEqualTo("* 1 EXPUNGE");
            assertThat(watcher.command("UID FETCH 1:* FLAGS")).containsExactly("t5 OK UID FETCH completed");
        }
    }

    @Test
    void selectedDelayedHoldsExpungesUntilACommandAllowsThem() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            watcher.command("ENABLE IMAP4rev2");
            watcher.command("SELECT INBOX");
            watcher.command("NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge))");
            changer.command("SELECT INBOX");
            changer.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
            changer.command("EXPUNGE");
            fx.deliver(alice, ImapFixture.message(2));
            // RFC 5465 §6.1.2: the EXPUNGE waits; the new message does not
            String first = watcher.readLine();
            if (first.startsWith("* 1 FETCH")) {
                first = watcher.readLine(); // the \Deleted flag change may arrive before the expunge
            }
            assertThat(first).isEqualTo("* 2 EXISTS");
            assertThat(watcher.command("NOOP")).containsExactly("* 1 EXPUNGE", "t5 OK NOOP completed");
        }
    }

    @Test
    void idleCarriesTheSameNotifications() throws Exception {
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            watcher.command("NOTIFY SET (MAILBOXES Sent (MessageNew MessageExpunge))");
            watcher.send("i IDLE");
            assertThat(watcher.readLine()).startsWith("+ ");
            changer.command(append("Sent"));
            assertThat(watcher.readLine()).startsWith("* STATUS Sent (MESSAGES 1 UIDNEXT 2 ");
            watcher.send("DONE");
            assertThat(watcher.readLine()).isEqualTo("i OK IDLE completed");
        }
    }

    @Test
    void metadataChangesOfWatchedMailboxesAndOfTheServerAreAnnounced() throws Exception {
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            assertThat(ImapTestClient.last(watcher.command(
                    "NOTIFY SET (PERSONAL (MailboxMetadataChange ServerMetadataChange))"))).startsWith("t2 OK");
            changer.command("SETMETADATA INBOX (/private/comment \"hello\")");
            // RFC 5465 §5.6, RFC 5464 §4.4.2: the names of the changed entries, without values
            assertThat(watcher.readLine()).isEqualTo("* METADATA INBOX /private/comment");
            changer.command("SETMETADATA \"\" (/private/vendor/jotmai/x \"1\")");
            assertThat(watcher.readLine()).isEqualTo("* METADATA \"\" /private/vendor/jotmai/x");
            changer.command("SETMETADATA INBOX (/private/comment NIL)");
            assertThat(watcher.readLine()).isEqualTo("* METADATA INBOX /private/comment");
            // its own change is not echoed
            assertThat(watcher.command("SETMETADATA Sent (/private/comment \"mine\")")).hasSize(1);
            assertThat(watcher.command("NOOP")).containsExactly("t4 OK NOOP completed");
        }
    }

    @Test
    void sharedMailboxesAreWatchedWithReadRightAndOnlyListedWithout() throws Exception {
        Account bob = fx.account("bob");
        long sales = fx.store.mail().createMailbox(bob.id(), "Sales", java.util.Optional.empty()).id();
        long secret = fx.store.mail().createMailbox(bob.id(), "Secret", java.util.Optional.empty()).id();
        long hidden = fx.store.mail().createMailbox(bob.id(), "Hidden", java.util.Optional.empty()).id();
        fx.store.acl().setRights(sales, alice.address(), jotmai.store.Rights.of("lr"));
        fx.store.acl().setRights(secret, alice.address(), jotmai.store.Rights.of("l"));
        try (ImapTestClient watcher = client();
             ImapTestClient owner = new ImapTestClient(fx.port()).login("bob@example.test")) {
            List<String> set = watcher.command("NOTIFY SET STATUS (SUBTREE \"Other Users/bob@example.test\" "
                    + "(MessageNew MessageExpunge))");
            assertThat(set).contains("* STATUS \"Other Users/bob@example.test/Sales\" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY "
                    + fx.store.mail().status(sales).uidValidity() + ")");
            // RFC 5465 §3.1: listable but not readable
            assertThat(set).contains("* LIST (\\NoAccess) \"/\" \"Other Users/bob@example.test/Secret\"");
            assertThat(set).noneMatch(l -> l.contains("Hidden"));
            owner.command(append("Hidden"));
            owner.command(append("Secret"));
            owner.command(append("Sales"));
            // only the readable mailbox speaks; the others stay silent
            assertThat(watcher.readLine()).startsWith("* STATUS \"Other Users/bob@example.test/Sales\" (MESSAGES 1 ");
            assertThat(hidden).isPositive();
        }
    }

    @Test
    void aMailboxSharedOrUnsharedWhileWatchingAppearsAndDisappears() throws Exception {
        Account bob = fx.account("bob");
        long sales = fx.store.mail().createMailbox(bob.id(), "Sales", java.util.Optional.empty()).id();
        try (ImapTestClient watcher = client();
             ImapTestClient owner = new ImapTestClient(fx.port()).login("bob@example.test")) {
            assertThat(ImapTestClient.last(watcher.command("NOTIFY SET (SUBTREE \"Other Users/bob@example.test\" "
                    + "(MessageNew MessageExpunge MailboxName))"))).startsWith("t2 OK");
            owner.command("SETACL Sales alice@example.test lr");
            // RFC 5465 §5.9: a mailbox the user may now list is announced like a created one
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\HasNoChildren) \"/\" \"Other Users/bob@example.test/Sales\"");
            owner.command(append("Sales"));
            assertThat(watcher.readLine()).startsWith("* STATUS \"Other Users/bob@example.test/Sales\" (MESSAGES 1 ");
            owner.command("DELETEACL Sales alice@example.test");
            assertThat(watcher.readLine()).isEqualTo("* LIST (\\NonExistent) \"/\" \"Other Users/bob@example.test/Sales\"");
            assertThat(sales).isPositive();
        }
    }

    @Test
    void notifyNoneStopsNotifications() throws Exception {
        try (ImapTestClient watcher = client(); ImapTestClient changer = client()) {
            watcher.command("NOTIFY SET (PERSONAL (MessageNew MessageExpunge))");
            assertThat(watcher.command("NOTIFY NONE")).containsExactly("t3 OK NOTIFY completed");
            changer.command(append("Sent"));
            assertThat(watcher.command("NOOP")).containsExactly("t4 OK NOOP completed");
        }
    }

    @Test
    void badCombinationsAreBadAndUnsupportedEventsAreNoWithBadevent() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.readLine();
            assertThat(c.command("NOTIFY NONE").get(0)).startsWith("t1 BAD");
        }
        try (ImapTestClient c = client()) {
            // RFC 5465 §5 wants MessageNew and MessageExpunge together; like Dovecot (and imaptest's notify
            // group) a lone event is accepted and asks for its own STATUS items (§3.1)
            assertThat(c.command("NOTIFY SET STATUS (MAILBOXES INBOX (MessageExpunge))"))
                    .containsExactly("* STATUS INBOX (MESSAGES 0)", "t2 OK NOTIFY completed");
            List<String> flagsOnly = c.command("NOTIFY SET STATUS (MAILBOXES INBOX (FlagChange))");
            assertThat(flagsOnly.get(0)).matches("\\* STATUS INBOX \\(UIDVALIDITY \\d+ HIGHESTMODSEQ \\d+\\)");
            // §6.1: only message events with SELECTED, and only one SELECTED filter
            assertThat(c.command("NOTIFY SET (SELECTED (MailboxName))").get(0)).startsWith("t4 BAD");
            assertThat(c.command("NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (SELECTED-DELAYED NONE)").get(0))
                    .startsWith("t5 BAD");
            assertThat(c.command("NOTIFY SET (PERSONAL (MessageNew MessageExpunge) ").get(0)).startsWith("t6 BAD");
            assertThat(c.command("NOTIFY SET (NOWHERE (MessageNew MessageExpunge))").get(0)).startsWith("t7 BAD");
            // §3.1: unsupported events are NO [BADEVENT (the supported ones)], not BAD
            assertThat(c.command("NOTIFY SET (PERSONAL (MessageNew MessageExpunge AnnotationChange))").get(0))
                    .startsWith("t8 NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange "
                            + "MailboxMetadataChange ServerMetadataChange)]");
            assertThat(c.command("NOTIFY SET (PERSONAL (SomethingElse))").get(0)).startsWith("t9 NO [BADEVENT");
            // names that do not exist are ignored, and the client is told
            assertThat(c.command("NOTIFY SET (MAILBOXES (Nope INBOX) (MessageNew MessageExpunge))").get(0))
                    .startsWith("t10 OK [CLIENTBUG]");
            assertThat(c.command("NOOP").get(0)).isEqualTo("t11 OK NOOP completed");
        }
    }
}
