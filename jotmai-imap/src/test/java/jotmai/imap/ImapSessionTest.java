package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Transcript tests over loopback against a real SQLite store: one command group per test. */
class ImapSessionTest extends ImapServerTestBase {
    private ImapTestClient client() throws Exception {
        return new ImapTestClient(fx.port()).login("alice@example.test");
    }

    @Test
    void greetingAdvertisesCapabilitiesAndLoginWorks() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            assertThat(c.readLine()).startsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2").contains("AUTH=PLAIN");
            assertThat(ImapTestClient.last(c.command("LOGIN alice@example.test wrong")))
                    .startsWith("t1 NO [AUTHENTICATIONFAILED]");
            assertThat(ImapTestClient.last(c.command("LOGIN alice@example.test secret")))
                    .startsWith("t2 OK [CAPABILITY IMAP4rev1").contains("IDLE", "UIDPLUS", "MOVE");
            assertThat(c.command("LOGOUT")).containsExactly("* BYE logging out", "t3 OK LOGOUT completed");
        }
    }

    @Test
    void authenticatePlainWithInitialResponseAndWithContinuation() throws Exception {
        String b64 = java.util.Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes());
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.readLine();
            assertThat(ImapTestClient.last(c.command("AUTHENTICATE PLAIN " + b64))).startsWith("t1 OK");
        }
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.readLine();
            c.send("a AUTHENTICATE PLAIN");
            assertThat(c.readLine()).isEqualTo("+ ");
            c.send(b64);
            assertThat(c.readLine()).startsWith("a OK");
        }
    }

    @Test
    void commandsInTheWrongStateAndGarbageGetBadAndTheSessionGoesOn() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.readLine();
            assertThat(ImapTestClient.last(c.command("SELECT INBOX"))).startsWith("t1 BAD");
            assertThat(ImapTestClient.last(c.command("FROBNICATE"))).startsWith("t2 BAD");
            c.send("");
            assertThat(c.readLine()).startsWith("* BAD");
            assertThat(ImapTestClient.last(c.command("NOOP"))).isEqualTo("t3 OK NOOP completed");
            assertThat(ImapTestClient.last(c.command("LOGIN \"unterminated"))).startsWith("t4 BAD [PARSE]");
            assertThat(ImapTestClient.last(c.command("LOGIN alice@example.test secret"))).startsWith("t5 OK");
            assertThat(ImapTestClient.last(c.command("FETCH 1 FLAGS"))).startsWith("t6 BAD");
        }
    }

    @Test
    void selectReportsCountsFlagsAndUidState() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
        try (ImapTestClient c = client()) {
            List<String> r = c.command("SELECT INBOX");
            assertThat(r).contains("* 2 EXISTS", "* 2 RECENT");
            assertThat(r).anyMatch(l -> l.startsWith("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)"));
            assertThat(r).anyMatch(l -> l.startsWith("* OK [UIDVALIDITY "));
            assertThat(r).anyMatch(l -> l.startsWith("* OK [UIDNEXT 3]"));
            assertThat(r).anyMatch(l -> l.startsWith("* OK [UNSEEN 1]"));
            assertThat(ImapTestClient.last(r)).isEqualTo("t2 OK [READ-WRITE] SELECT completed");
            assertThat(ImapTestClient.last(c.command("EXAMINE inbox"))).startsWith("t3 OK [READ-ONLY]");
            assertThat(ImapTestClient.last(c.command("SELECT nosuch"))).startsWith("t4 NO [NONEXISTENT]");
            assertThat(ImapTestClient.last(c.command("FETCH 1 FLAGS"))).startsWith("t5 BAD");
        }
    }

    @Test
    void fetchReturnsFlagsSizesEnvelopeStructureAndSections() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        try (ImapTestClient c = client()) {
            c.command("SELECT INBOX");
            List<String> r = c.command("FETCH 1 (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE)");
            assertThat(r.get(0)).startsWith("* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE "
                    + ImapFixture.message(1).length() + " INTERNALDATE \"20-Nov-2026 10:00:00 +0000\" ENVELOPE ("
                    + "\"Fri, 20 Nov 2026 10:00:00 +0000\" \"message 1\" ((\"Sender\" NIL \"sender\" \"example.org\"))");
            assertThat(r.get(0)).contains("BODYSTRUCTURE (\"text\" \"plain\"");
            r = c.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT]<0.5>)");
            assertThat(r.get(0)).isEqualTo("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {22}\r\nSubject: message 1\r\n\r\n"
                    + " BODY[TEXT]<0> {5}\r\nHello)");
            r = c.command("FETCH 1 BODY[1]");
            assertThat(r.get(0)).isEqualTo("* 1 FETCH (BODY[1] {14}\r\nHello 1\r\nbye\r\n FLAGS (\\Seen \\Recent))");
            r = c.command("UID FETCH 1 (FLAGS)");
            assertThat(r.get(0)).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))");
        }
    }

    @Test
    void storeChangesFlagsAndReportsThem() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
        try (ImapTestClient c = client()) {
            c.command("ENABLE IMAP4rev2");
            c.command("SELECT INBOX");
            List<String> r = c.command("STORE 1:2 +FLAGS (\\Flagged $Important)");
            assertThat(r).contains("* 1 FETCH (FLAGS (\\Flagged $Important))", "* 2 FETCH (FLAGS (\\Flagged $Important))");
            assertThat(r).anyMatch(l -> l.startsWith("* FLAGS (") && l.contains("$Important"));
            r = c.command("UID STORE 2 -FLAGS.SILENT (\\Flagged)");
            assertThat(r).hasSize(1);
            r = c.command("FETCH 2 FLAGS");
            assertThat(r.get(0)).isEqualTo("* 2 FETCH (FLAGS ($Important))");
        }
    }

    @Test
    void appendCopyMoveAndExpungeReportUidsAndSequenceNumbers() throws Exception {
        try (ImapTestClient c = client()) {
            String msg = ImapFixture.message(7);
            c.send("a1 APPEND INBOX (\\Seen) {" + msg.length() + "}");
            assertThat(c.readLine()).startsWith("+ ");
            c.sendRaw((msg + "\r\n").getBytes());
            assertThat(c.readLine()).matches("a1 OK \\[APPENDUID \\d+ 1\\] APPEND completed");
            c.send("a2 APPEND INBOX {" + msg.length() + "+}\r\n" + msg + " {" + msg.length() + "+}\r\n" + msg);
            assertThat(c.readLine()).matches("a2 OK \\[APPENDUID \\d+ 2:3\\] APPEND completed");
            c.command("SELECT INBOX");
            assertThat(ImapTestClient.last(c.command("COPY 1:2 Trash"))).matches("t3 OK \\[COPYUID \\d+ 1:2 1:2\\] COPY completed");
            assertThat(ImapTestClient.last(c.command("COPY 1 Nowhere"))).startsWith("t4 NO [TRYCREATE]");
            List<String> r = c.command("MOVE 2 Archive");
            assertThat(r.get(0)).matches("\\* OK \\[COPYUID \\d+ 2 1\\] moved");
            assertThat(r.get(1)).isEqualTo("* 2 EXPUNGE");
            c.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertThat(c.command("EXPUNGE")).containsExactly("* 1 EXPUNGE", "t7 OK EXPUNGE completed");
            List<String> status = c.command("STATUS Trash (MESSAGES UIDNEXT UNSEEN SIZE)");
            assertThat(status.get(0)).isEqualTo("* STATUS Trash (MESSAGES 2 UIDNEXT 3 UNSEEN 1 SIZE " + 2 * msg.length() + ")");
        }
    }

    @Test
    void mailboxManagementCreatesListsRenamesAndDeletes() throws Exception {
        try (ImapTestClient c = client()) {
            assertThat(ImapTestClient.last(c.command("CREATE Projects/2026/Q1"))).startsWith("t2 OK");
            assertThat(ImapTestClient.last(c.command("CREATE Projects"))).startsWith("t3 NO [ALREADYEXISTS]");
            List<String> r = c.command("LIST \"\" *");
            assertThat(r).contains("* LIST (\\HasNoChildren) \"/\" INBOX", "* LIST (\\HasChildren) \"/\" Projects",
                    "* LIST (\\HasNoChildren \\Sent) \"/\" Sent", "* LIST (\\HasNoChildren) \"/\" Projects/2026/Q1");
            r = c.command("LIST \"\" %");
            assertThat(r).noneMatch(l -> l.contains("Projects/2026"));
            assertThat(c.command("LIST \"\" \"\"")).containsExactly("* LIST (\\Noselect) \"/\" \"\"", "t6 OK LIST completed");
            assertThat(ImapTestClient.last(c.command("RENAME Projects Work"))).startsWith("t7 OK");
            r = c.command("LIST \"\" Work/*");
            assertThat(r).contains("* LIST (\\HasNoChildren) \"/\" Work/2026/Q1");
            assertThat(ImapTestClient.last(c.command("DELETE Work/2026/Q1"))).startsWith("t9 OK");
            assertThat(ImapTestClient.last(c.command("DELETE Work/2026/Q1"))).startsWith("t10 NO [NONEXISTENT]");
            assertThat(ImapTestClient.last(c.command("DELETE INBOX"))).startsWith("t11 NO");
            assertThat(c.command("NAMESPACE").get(0)).isEqualTo(
                    "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared Folders/\" \"/\"))");
            assertThat(ImapTestClient.last(c.command("CREATE \"K&AOQ-se\""))).startsWith("t13 OK");
            assertThat(c.command("LIST \"\" K*").get(0)).isEqualTo("* LIST (\\HasNoChildren) \"/\" K&AOQ-se");
            assertThat(ImapTestClient.last(c.command("UNSUBSCRIBE Sent"))).startsWith("t15 OK");
            assertThat(c.command("LSUB \"\" S*")).noneMatch(l -> l.contains("Sent"));
            r = c.command("LIST (SPECIAL-USE) \"\" * RETURN (STATUS (MESSAGES))");
            assertThat(r).contains("* LIST (\\HasNoChildren \\Trash) \"/\" Trash", "* STATUS Trash (MESSAGES 0)");
        }
    }

    @Test
    void searchFindsByFlagsHeadersBodyAndSetsWithEsearch() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
        fx.deliver(alice, "Subject: =?UTF-8?B?4Liq4Lin4Lix4Liq4LiU4Li1?=\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + java.util.Base64.getEncoder().encodeToString(
                "Grüsse aus Bangkok".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\r\n");
        try (ImapTestClient c = client()) {
            c.command("SELECT INBOX");
            c.command("STORE 2 +FLAGS (\\Seen)");
            assertThat(c.command("SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH 1 3");
            assertThat(c.command("UID SEARCH SUBJECT \"MESSAGE 2\"").get(0)).isEqualTo("* SEARCH 2");
            assertThat(c.command("SEARCH CHARSET UTF-8 BODY nowhere").get(0)).isEqualTo("* SEARCH");
            assertThat(c.command("SEARCH CHARSET UTF-8 BODY GRÜSSE").get(0)).isEqualTo("* SEARCH 3");
            assertThat(c.command("SEARCH CHARSET UTF-8 SUBJECT สวัสดี").get(0)).isEqualTo("* SEARCH 3");
            assertThat(c.command("SEARCH OR 1 3 NOT SEEN").get(0)).isEqualTo("* SEARCH 1 3");
            assertThat(c.command("SEARCH SENTON 20-Nov-2026 LARGER 10").get(0)).isEqualTo("* SEARCH 1 2");
            assertThat(c.command("SEARCH RETURN (MIN MAX COUNT ALL) 1:*").get(0))
                    .isEqualTo("* ESEARCH (TAG \"t11\") MIN 1 MAX 3 COUNT 3 ALL 1:3");
            assertThat(c.command("SEARCH RETURN (SAVE) FROM sender")).hasSize(1);
            assertThat(c.command("FETCH $ (UID)")).contains("* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)");
            assertThat(ImapTestClient.last(c.command("SEARCH CHARSET KOI8-R ALL"))).startsWith("t14 NO [BADCHARSET");
        }
    }

    @Test
    void flagOnlySearchesAnswerLikeTheGeneralMatcherForEveryFlagKeyAndSet() throws Exception {
        for (int i = 1; i <= 5; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
        try (ImapTestClient c = client()) {
            c.command("SELECT INBOX");
            c.command("STORE 1:3 +FLAGS (\\Seen)");
            c.command("STORE 2 +FLAGS ($Work \\Flagged)");
            c.command("STORE 4 +FLAGS (\\Answered \\Draft)");
            c.command("STORE 5 +FLAGS (\\Deleted)");
            // flag-only keys (FlagSearch) and the same question with a non-flag key (the general matcher)
            assertThat(c.command("UID SEARCH UNSEEN").get(0)).isEqualTo("* SEARCH 4 5");
            assertThat(c.command("UID SEARCH UNSEEN LARGER 1").get(0)).isEqualTo("* SEARCH 4 5");
            assertThat(c.command("SEARCH KEYWORD $work").get(0)).isEqualTo("* SEARCH 2");
            assertThat(c.command("SEARCH UNKEYWORD $Work SEEN").get(0)).isEqualTo("* SEARCH 1 3");
            assertThat(c.command("SEARCH OR FLAGGED DRAFT").get(0)).isEqualTo("* SEARCH 2 4");
            assertThat(c.command("SEARCH NOT DELETED ANSWERED").get(0)).isEqualTo("* SEARCH 4");
            assertThat(c.command("SEARCH UNDELETED UNANSWERED UNDRAFT UNFLAGGED").get(0)).isEqualTo("* SEARCH 1 3");
            assertThat(c.command("UID SEARCH UID 2:4 SEEN").get(0)).isEqualTo("* SEARCH 2 3");
            assertThat(c.command("SEARCH 4:* NOT SEEN").get(0)).isEqualTo("* SEARCH 4 5");
            assertThat(c.command("SEARCH NEW").get(0)).isEqualTo("* SEARCH 4 5");
            assertThat(c.command("SEARCH RETURN (COUNT) ALL").get(0)).endsWith("COUNT 5");
        }
    }

    @Test
    void aSecondSessionSeesNewMessagesFlagChangesAndExpunges() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        try (ImapTestClient a = client(); ImapTestClient b = client()) {
            a.command("SELECT INBOX");
            b.command("SELECT INBOX");
            fx.deliver(alice, ImapFixture.message(2));
            assertThat(a.command("NOOP")).contains("* 2 EXISTS");
            b.command("STORE 1 +FLAGS (\\Flagged)");
            assertThat(a.command("NOOP")).contains("* 1 FETCH (FLAGS (\\Flagged \\Recent))");
            b.command("STORE 1 +FLAGS (\\Deleted)");
            b.command("EXPUNGE");
            List<String> fetch = a.command("FETCH 1:* FLAGS");
            assertThat(fetch).noneMatch(l -> l.contains("EXPUNGE"));
            assertThat(a.command("NOOP")).contains("* 1 EXPUNGE");
        }
    }

    @Test
    void aSessionWhoseSelectedMailboxIsDeletedElsewhereIsToldAndClosed() throws Exception {
        try (ImapTestClient a = client(); ImapTestClient b = client()) {
            a.command("CREATE Doomed");
            a.command("SELECT Doomed");
            assertThat(ImapTestClient.last(b.command("DELETE Doomed"))).startsWith("t2 OK");
            assertThat(a.command("NOOP")).first().asString().startsWith("* BYE");
        }
    }

    @Test
    void idleDeliversExistsAtOnceAndEndsWithDone() throws Exception {
        try (ImapTestClient a = client()) {
            a.command("SELECT INBOX");
            a.send("i1 IDLE");
            assertThat(a.readLine()).startsWith("+ ");
            fx.deliver(alice, ImapFixture.message(1));
            assertThat(a.readLine()).isEqualTo("* 1 EXISTS");
            assertThat(a.readLine()).isEqualTo("* 1 RECENT");
            a.send("DONE");
            assertThat(a.readLine()).isEqualTo("i1 OK IDLE completed");
        }
    }

    @Test
    void oversizedLiteralsAndLinesAreRefusedAndTheSessionGoesOn() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.readLine();
            c.send("a1 LOGIN {4294967296}");
            assertThat(c.readLine()).startsWith("a1 NO [TOOBIG]");
            c.send("a2 NOOP " + "x".repeat(70_000));
            assertThat(c.readLine()).startsWith("a2 BAD [TOOBIG]");
            assertThat(ImapTestClient.last(c.command("NOOP"))).startsWith("t1 OK");
            c.send("a3 LOGIN {4294967296+}");
            assertThat(c.readLine()).startsWith("* BYE");
        }
    }

    @Test
    void startTlsUpgradesTheConnectionAndLoginWorksAfterwards() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            assertThat(c.readLine()).contains("STARTTLS");
            assertThat(c.command("STARTTLS")).containsExactly("t1 OK begin TLS negotiation now");
            javax.net.ssl.SSLSocket ssl = (javax.net.ssl.SSLSocket) jotmai.shared.tls.InsecureClientTls
                    .trustAllClientContext().getSocketFactory().createSocket(c.socket, "localhost", fx.port(), true);
            ssl.startHandshake();
            try (ImapTestClient t = new ImapTestClient(ssl)) {
                List<String> caps = t.command("CAPABILITY");
                assertThat(caps.get(0)).doesNotContain("STARTTLS");
                assertThat(ImapTestClient.last(t.command("LOGIN alice@example.test secret"))).startsWith("t2 OK");
            }
        }
    }
}
