package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.Rights;

/**
 * RFC 4314 ACL and RFC 2342 NAMESPACE transcripts: every ACL command, the rights checks of the
 * mailbox and message commands on another user's mailbox, and three users' sessions on one shared
 * mailbox seeing each other's changes.
 */
class AclTest extends ImapServerTestBase {
    static final String BOB_INBOX = "\"Other Users/bob@example.test/INBOX\"";
    static final String BOB_SALES = "\"Other Users/bob@example.test/Sales\"";

    Account bob;
    Account carol;

    @Override
    void beforeStart() {
        bob = fx.account("bob");
        carol = fx.account("carol");
    }

    /** A logged-in IMAP4rev2 session (no \\Recent in the transcripts); the next command's tag is t2. */
    private ImapTestClient login(String localPart) throws Exception {
        ImapTestClient c = new ImapTestClient(fx.port()).login(localPart + "@example.test");
        c.send("e ENABLE IMAP4rev2");
        c.until("e");
        return c;
    }

    private void grant(Account owner, String mailbox, Account to, String rights) {
        long id = fx.store.mail().mailbox(owner.id(), mailbox).orElseThrow().id();
        fx.store.acl().setRights(id, to.address(), Rights.of(rights));
    }

    @Test
    void capabilityAndNamespaceAnnounceAclAndTheSharedNamespaces() throws Exception {
        try (ImapTestClient c = login("alice")) {
            assertThat(c.command("CAPABILITY").get(0)).contains(" ACL ", "RIGHTS=kxte");
            assertThat(c.command("NAMESPACE")).containsExactly(
                    "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared Folders/\" \"/\"))",
                    "t3 OK NAMESPACE completed");
        }
    }

    @Test
    void theOwnerSetsGetsListsAndDeletesRightsAndTheGranteeSeesItsOwn() throws Exception {
        try (ImapTestClient b = login("bob"); ImapTestClient a = login("alice")) {
            assertThat(b.command("MYRIGHTS INBOX")).containsExactly("* MYRIGHTS INBOX lrswipkxtea",
                    "t2 OK MYRIGHTS completed");
            assertThat(b.command("SETACL INBOX alice@example.test lrs")).containsExactly("t3 OK SETACL completed");
            assertThat(b.command("SETACL INBOX alice@example.test +wc")).containsExactly("t4 OK SETACL completed");
            assertThat(b.command("SETACL INBOX anyone l")).containsExactly("t5 OK SETACL completed");
            assertThat(b.command("GETACL INBOX")).containsExactly(
                    "* ACL INBOX bob@example.test lrswipkxtea alice@example.test lrswk anyone l",
                    "t6 OK GETACL completed");
            assertThat(b.command("SETACL INBOX alice@example.test -kd")).containsExactly("t7 OK SETACL completed");
            assertThat(b.command("LISTRIGHTS INBOX alice@example.test")).containsExactly(
                    "* LISTRIGHTS INBOX alice@example.test \"\" l r s w i p k x t e a",
                    "t8 OK LISTRIGHTS completed");
            assertThat(b.command("LISTRIGHTS INBOX bob@example.test")).containsExactly(
                    "* LISTRIGHTS INBOX bob@example.test lrswipkxtea", "t9 OK LISTRIGHTS completed");

            assertThat(a.command("MYRIGHTS " + BOB_INBOX)).containsExactly(
                    "* MYRIGHTS " + BOB_INBOX + " lrsw", "t2 OK MYRIGHTS completed");
            // alice has no "a": the ACL is not hers to read or change
            assertThat(ImapTestClient.last(a.command("GETACL " + BOB_INBOX))).startsWith("t3 NO [NOPERM]");
            assertThat(ImapTestClient.last(a.command("SETACL " + BOB_INBOX + " alice@example.test lrswipkxtea")))
                    .startsWith("t4 NO [NOPERM]");

            assertThat(b.command("DELETEACL INBOX alice@example.test")).containsExactly("t10 OK DELETEACL completed");
            assertThat(b.command("GETACL INBOX")).containsExactly(
                    "* ACL INBOX bob@example.test lrswipkxtea anyone l", "t11 OK GETACL completed");
            assertThat(a.command("MYRIGHTS " + BOB_INBOX).get(0)).isEqualTo("* MYRIGHTS " + BOB_INBOX + " l");
        }
    }

    @Test
    void badRightsUnknownUsersTheOwnerAndNegativeRightsAreRefused() throws Exception {
        try (ImapTestClient b = login("bob")) {
            assertThat(ImapTestClient.last(b.command("SETACL INBOX alice@example.test lrz"))).startsWith("t2 BAD");
            assertThat(ImapTestClient.last(b.command("SETACL INBOX nobody@example.test lr")))
                    .startsWith("t3 NO [CANNOT]");
            assertThat(ImapTestClient.last(b.command("SETACL INBOX bob@example.test l"))).startsWith("t4 NO [CANNOT]");
            assertThat(ImapTestClient.last(b.command("SETACL INBOX -alice@example.test l")))
                    .startsWith("t5 NO [CANNOT]");
            assertThat(ImapTestClient.last(b.command("GETACL Nowhere"))).startsWith("t6 NO [NONEXISTENT]");
            assertThat(ImapTestClient.last(b.command("SETACL INBOX"))).startsWith("t7 BAD");
            assertThat(ImapTestClient.last(b.command("NOOP"))).isEqualTo("t8 OK NOOP completed");
        }
    }

    @Test
    void aMailboxWithoutAnyRightLooksExactlyLikeAMissingOne() throws Exception {
        fx.store.mail().createMailbox(bob.id(), "Secret", Optional.empty());
        String secret = "\"Other Users/bob@example.test/Secret\"";
        String missing = "\"Other Users/bob@example.test/Missing\"";
        try (ImapTestClient a = login("alice")) {
            for (String name : List.of(secret, missing)) {
                assertThat(ImapTestClient.last(a.command("SELECT " + name))).endsWith("NO [NONEXISTENT] no such mailbox");
                assertThat(ImapTestClient.last(a.command("STATUS " + name + " (MESSAGES)")))
                        .endsWith("NO [NONEXISTENT] no such mailbox");
                assertThat(ImapTestClient.last(a.command("MYRIGHTS " + name))).endsWith("NO [NONEXISTENT] no such mailbox");
                assertThat(ImapTestClient.last(a.command("GETACL " + name))).endsWith("NO [NONEXISTENT] no such mailbox");
                assertThat(ImapTestClient.last(a.command("DELETE " + name))).endsWith("NO [NONEXISTENT] no such mailbox");
                assertThat(ImapTestClient.last(a.command("SUBSCRIBE " + name))).endsWith("NO [NONEXISTENT] no such mailbox");
            }
            assertThat(a.command("LIST \"\" *")).noneMatch(l -> l.contains("Other Users"));
            assertThat(ImapTestClient.last(a.command("SELECT \"Other Users/nobody@example.test/INBOX\"")))
                    .endsWith("NO [NONEXISTENT] no such mailbox");
            assertThat(ImapTestClient.last(a.command("SELECT \"Other Users/alice@example.test/INBOX\"")))
                    .endsWith("NO [NONEXISTENT] no such mailbox");
            assertThat(ImapTestClient.last(a.command("CREATE \"Other Users/x\""))).contains("NO [NOPERM]");
        }
    }

    @Test
    void listShowsSharedMailboxesUnderOtherUsersAndTheDomainsSharedFolders() throws Exception {
        fx.store.mail().createMailbox(bob.id(), "Sales", Optional.empty());
        grant(bob, "Sales", alice, "lr");
        grant(bob, "INBOX", alice, "r"); // no "l": not listed, but selectable
        Account shared = fx.account("shared");
        fx.store.mail().createMailbox(shared.id(), "Team", Optional.empty());
        grant(shared, "Team", alice, "lrs");
        try (ImapTestClient a = login("alice")) {
            List<String> r = a.command("LIST \"\" *");
            assertThat(r).contains("* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users\"",
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/bob@example.test\"",
                    "* LIST (\\HasNoChildren) \"/\" " + BOB_SALES,
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Shared Folders\"",
                    "* LIST (\\HasNoChildren) \"/\" \"Shared Folders/Team\"");
            assertThat(r).noneMatch(l -> l.contains("bob@example.test/INBOX"));
            assertThat(a.command("LIST \"\" %")).contains("* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users\"");
            assertThat(a.command("LIST \"Other Users/\" %")).containsExactly(
                    "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/bob@example.test\"", "t4 OK LIST completed");
            assertThat(ImapTestClient.last(a.command("SUBSCRIBE \"Shared Folders/Team\""))).startsWith("t5 OK");
            assertThat(a.command("LSUB \"\" \"Shared*\"")).contains("* LSUB (\\HasNoChildren) \"/\" \"Shared Folders/Team\"");
            assertThat(a.command("STATUS " + BOB_SALES + " (MESSAGES)").get(0))
                    .isEqualTo("* STATUS " + BOB_SALES + " (MESSAGES 0)");
            assertThat(ImapTestClient.last(a.command("EXAMINE " + BOB_INBOX))).contains("OK [READ-ONLY]");
        }
    }

    @Test
    void readOnlyRightsGiveReadOnlySelectAndRefuseChanges() throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lr");
        try (ImapTestClient a = login("alice")) {
            List<String> r = a.command("SELECT " + BOB_INBOX);
            assertThat(r).contains("* 1 EXISTS", "* OK [PERMANENTFLAGS ()] read-only");
            assertThat(ImapTestClient.last(r)).startsWith("t2 OK [READ-ONLY]");
            assertThat(a.command("FETCH 1 (BODY[TEXT])").get(0)).doesNotContain("\\Seen");
            assertThat(ImapTestClient.last(a.command("STORE 1 +FLAGS (\\Flagged)"))).contains("NO [READ-ONLY]");
            assertThat(ImapTestClient.last(a.command("EXPUNGE"))).contains("NO [READ-ONLY]");
            assertThat(ImapTestClient.last(a.command("MOVE 1 INBOX"))).contains("NO [READ-ONLY]");
            assertThat(ImapTestClient.last(a.command("COPY 1 INBOX"))).contains("OK [COPYUID");
            // no "i" on bob's INBOX: APPEND and COPY into it fail; no "x": no DELETE; no "k": no CREATE
            assertThat(ImapTestClient.last(a.command("COPY 1 " + BOB_INBOX))).contains("NO [NOPERM]");
            assertThat(ImapTestClient.last(a.command("APPEND " + BOB_INBOX + " {5+}\r\nhello"))).contains("NO [NOPERM]");
            assertThat(ImapTestClient.last(a.command("DELETE " + BOB_INBOX))).contains("NO [NOPERM]");
            assertThat(ImapTestClient.last(a.command("CREATE \"Other Users/bob@example.test/INBOX/x\"")))
                    .contains("NO [NOPERM]");
            assertThat(ImapTestClient.last(a.command("RENAME " + BOB_INBOX + " \"Other Users/bob@example.test/y\"")))
                    .contains("NO [NOPERM]");
        }
        assertThat(fx.store.mail().mailboxes(bob.id())).extracting(m -> m.name()).doesNotContain("INBOX/x", "y");
    }

    @Test
    void flagsTheUserMayNotWriteAreSilentlyNotStored() throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lrs"); // \Seen only
        try (ImapTestClient a = login("alice")) {
            List<String> r = a.command("SELECT " + BOB_INBOX);
            assertThat(r).contains("* OK [PERMANENTFLAGS (\\Seen)] flags permitted");
            assertThat(ImapTestClient.last(r)).startsWith("t2 OK [READ-WRITE]");
            assertThat(a.command("STORE 1 +FLAGS (\\Seen \\Flagged $Work)")).containsExactly(
                    "* 1 FETCH (FLAGS (\\Seen))", "t3 OK STORE completed");
            assertThat(a.command("STORE 1 FLAGS (\\Deleted)")).containsExactly(
                    "* 1 FETCH (FLAGS ())", "t4 OK STORE completed");
            assertThat(ImapTestClient.last(a.command("EXPUNGE"))).contains("NO [NOPERM]");
            assertThat(ImapTestClient.last(a.command("MOVE 1 INBOX"))).contains("NO [NOPERM]");
        }
        grant(bob, "INBOX", alice, "lrwi"); // everything but \Seen and \Deleted
        fx.store.mail().updateFlags(fx.inbox(bob).id(), jotmai.store.UidSet.of(List.of(1L)),
                jotmai.store.FlagOperation.ADD, java.util.Set.of("\\Seen"), java.util.OptionalLong.empty());
        try (ImapTestClient a = login("alice")) {
            a.command("SELECT " + BOB_INBOX);
            // issue 7: Bob's \Seen is his (per-user \Seen); Alice's replace leaves it alone
            assertThat(a.command("STORE 1 FLAGS (\\Flagged)")).containsExactly(
                    "* 1 FETCH (FLAGS (\\Flagged))", "t3 OK STORE completed");
            assertThat(fx.store.mail().messages(fx.inbox(bob).id()).get(0).flags())
                    .containsExactlyInAnyOrder("\\Seen", "\\Flagged");
            assertThat(ImapTestClient.last(a.command("APPEND " + BOB_INBOX + " (\\Seen \\Answered) {"
                    + ImapFixture.message(2).length() + "+}\r\n" + ImapFixture.message(2))))
                    .contains("OK [APPENDUID");
            assertThat(a.command("FETCH 2 FLAGS")).contains("* 2 FETCH (FLAGS (\\Answered))");
        }
    }

    @Test
    void withdrawnRightsApplyToTheNextCommandOfASessionThatHasTheMailboxSelected() throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lrswite");
        try (ImapTestClient a = login("alice")) {
            a.command("SELECT " + BOB_INBOX);
            // RFC 9051 §7.1: READ-ONLY / READ-WRITE announce that the access changed while selected
            grant(bob, "INBOX", alice, "lr");
            assertThat(a.command("STORE 1 +FLAGS (\\Flagged)")).containsExactly(
                    "* OK [READ-ONLY] access to the mailbox is now read-only",
                    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                    "* OK [PERMANENTFLAGS ()] read-only", "t3 NO [READ-ONLY] mailbox is read-only");
            grant(bob, "INBOX", alice, "lrw");
            assertThat(a.command("STORE 1 +FLAGS (\\Flagged)")).containsExactly(
                    "* OK [READ-WRITE] access to the mailbox is now read-write",
                    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\*)] flags permitted",
                    "* 1 FETCH (FLAGS (\\Flagged))", "t4 OK STORE completed");
            grant(bob, "INBOX", alice, "l");
            assertThat(a.command("FETCH 1 FLAGS")).containsExactly("* OK [CLOSED] access to the mailbox was withdrawn",
                    "t5 NO [NOPERM] access to the mailbox was withdrawn");
            assertThat(ImapTestClient.last(a.command("FETCH 1 FLAGS"))).startsWith("t6 BAD");
        }
    }

    @Test
    void copiesIntoASharedMailboxLoseTheFlagsTheUserMayNotSetThere() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lri"); // insert, but no s/w/t
        try (ImapTestClient a = login("alice")) {
            a.command("SELECT INBOX");
            a.command("STORE 1 +FLAGS (\\Seen \\Flagged \\Deleted $Work)");
            assertThat(ImapTestClient.last(a.command("COPY 1 " + BOB_INBOX))).contains("OK [COPYUID");
        }
        assertThat(fx.store.mail().messages(fx.inbox(bob).id()).get(0).flags()).isEmpty();
    }

    @Test
    void threeUsersOnOneSharedMailboxSeeEachOthersChangesAtOnce() throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lrswite");
        grant(bob, "INBOX", carol, "lrswite");
        try (ImapTestClient b = login("bob"); ImapTestClient a = login("alice"); ImapTestClient c = login("carol")) {
            b.command("SELECT INBOX");
            a.command("SELECT " + BOB_INBOX);
            c.command("SELECT " + BOB_INBOX);
            c.send("i1 IDLE");
            assertThat(c.readLine()).startsWith("+ ");

            fx.deliver(bob, ImapFixture.message(2));
            assertThat(c.readLine()).isEqualTo("* 2 EXISTS");
            assertThat(a.command("NOOP")).contains("* 2 EXISTS");
            assertThat(b.command("NOOP")).contains("* 2 EXISTS");

            // IMAP4rev2 sessions get the UID in unsolicited FETCH responses (RFC 9051 §7.5.2)
            assertThat(a.command("STORE 1 +FLAGS (\\Flagged)")).contains("* 1 FETCH (FLAGS (\\Flagged))");
            assertThat(c.readLine()).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Flagged))");
            assertThat(b.command("NOOP")).contains("* 1 FETCH (UID 1 FLAGS (\\Flagged))");

            assertThat(b.command("STORE 2 +FLAGS.SILENT (\\Deleted)")).endsWith("t5 OK STORE completed");
            assertThat(c.readLine()).isEqualTo("* 2 FETCH (UID 2 FLAGS (\\Deleted))");
            assertThat(a.command("EXPUNGE")).contains("* 2 EXPUNGE");
            assertThat(c.readLine()).isEqualTo("* 2 EXPUNGE");
            assertThat(b.command("NOOP")).contains("* 2 EXPUNGE");
            c.send("DONE");
            assertThat(c.readLine()).isEqualTo("i1 OK IDLE completed");
        }
    }

    @Test
    void anIdlingSessionStopsSeeingAMailboxOnceItsReadRightIsWithdrawnAndTheNextCommandClosesIt() throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lrs");
        try (ImapTestClient a = login("alice")) {
            a.command("SELECT " + BOB_INBOX);
            a.send("i1 IDLE");
            assertThat(a.readLine()).startsWith("+ ");
            fx.deliver(bob, ImapFixture.message(2));
            assertThat(a.readLine()).isEqualTo("* 2 EXISTS");

            // RFC 4314 §4: without "r" the new message must not be announced; the ACL change rings the
            // mailbox, so the idling session reads its rights again before it reports anything more
            grant(bob, "INBOX", alice, "l");
            fx.deliver(bob, ImapFixture.message(3));
            a.send("DONE");
            assertThat(a.until("i1")).containsExactly("i1 OK IDLE completed");
            assertThat(a.command("NOOP")).containsExactly("* OK [CLOSED] access to the mailbox was withdrawn",
                    "t3 NO [NOPERM] access to the mailbox was withdrawn");
        }
    }

    @Test
    void anExaminedSharedMailboxStaysReadOnlyWhenRightsAreAddedAndAnIdlingSessionHearsOfLostWriteRights()
            throws Exception {
        fx.deliver(bob, ImapFixture.message(1));
        grant(bob, "INBOX", alice, "lr");
        try (ImapTestClient a = login("alice"); ImapTestClient idler = login("alice")) {
            assertThat(ImapTestClient.last(a.command("EXAMINE " + BOB_INBOX))).contains("[READ-ONLY]");
            grant(bob, "INBOX", alice, "lrswite");
            assertThat(idler.command("SELECT " + BOB_INBOX)).last().asString().contains("[READ-WRITE]");
            assertThat(a.command("NOOP")).containsExactly("t3 OK NOOP completed");

            idler.send("i1 IDLE");
            assertThat(idler.readLine()).startsWith("+ ");
            grant(bob, "INBOX", alice, "lr");
            assertThat(idler.readLine()).isEqualTo("* OK [READ-ONLY] access to the mailbox is now read-only");
            idler.send("DONE");
            assertThat(idler.until("i1")).endsWith("* OK [PERMANENTFLAGS ()] read-only", "i1 OK IDLE completed");
        }
    }
}
