package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import jotmai.store.Mailbox;
import jotmai.store.TextField;

/**
 * SEARCH through the store's text index gives the same answers as the scan of decoded text (RFC 9051
 * §6.4.4): every command is run once with the index and once with the index disabled (all messages
 * marked as not indexable, so SEARCH scans them), over a corpus with Thai in UTF-8 and TIS-620.
 */
class SearchIndexTest extends ImapServerTestBase {
    private static String b64(byte[] bytes) {
        return Base64.getMimeEncoder().encodeToString(bytes) + "\r\n";
    }

    private void deliverCorpus() {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, "From: =?UTF-8?B?4Liq4Lih4LiK4Liy4Lii?= <somchai@example.th>\r\nSubject: =?UTF-8?B?4Liq4Lin4Lix4Liq4LiU4Li1?="
                + " invoice\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + b64("Grüsse aus Bangkok, กระเป๋าเดินทาง ใบใหญ่".getBytes(StandardCharsets.UTF_8)));
        fx.deliver(alice, "From: bob@example.th\r\nSubject: tis\r\nContent-Type: text/plain; charset=TIS-620\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + b64("นัดประชุม กระเป๋าใบใหม่ invoice".getBytes(Charset.forName("TIS-620"))));
        fx.deliver(alice, "From: carol@example.fr\r\nSubject: Menu\r\nX-Note: caf\u00e9 invoice\r\n"
                + "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Caf=E9 cr=E8me, soft=\r\n break\r\n");
        fx.deliver(alice, "From: dave@example.org\r\nSubject: parts\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfirst partone hello\r\n--b\r\nContent-Type: text/html\r\n\r\n"
                + "<p>parttwo</p>\r\n--b--\r\n");
    }

    private void awaitIndexed() throws InterruptedException {
        Mailbox inbox = fx.inbox(alice);
        for (int i = 0; i < 400; i++) {
            if (fx.store.mail().searchText(inbox.id(), TextField.ALL, "zzzz").orElseThrow().unverified().isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("messages not indexed within 20 s");
    }

    /** Makes every message "not indexable": the store then reports them all unverified and SEARCH scans. */
    private void disableIndex() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + fx.dataDir.resolve("jotmai.db"));
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("INSERT OR REPLACE INTO search_pending(blob_id, skipped) SELECT id, 1 FROM blob");
        }
    }

    private static final List<String> SEARCHES = List.of(
            "BODY hello", "BODY HELLO", "BODY \"hello 1\"", "BODY bangkok", "BODY GRÜSSE", "BODY กระเป๋า",
            "BODY ประชุม", "BODY café", "BODY CRÈME", "BODY \"soft break\"", "BODY partone", "BODY parttwo",
            "BODY invoice", "BODY he", "TEXT invoice", "TEXT somchai", "TEXT สมชาย", "TEXT \"subject: menu\"",
            "TEXT CAFÉ", "SUBJECT invoice", "SUBJECT สวัสดี", "HEADER X-Note café", "HEADER X-Note \"\"",
            "FROM somchai", "FROM สมชาย", "NOT BODY กระเป๋า", "OR BODY partone SUBJECT menu",
            "UNSEEN BODY invoice", "BODY invoice NOT TEXT tis", "1:3 TEXT invoice", "BODY nowhere-at-all");

    private List<String> runAll(ImapTestClient c) throws Exception {
        List<String> out = new ArrayList<>();
        for (String search : SEARCHES) {
            out.add(search + " -> " + c.command("SEARCH CHARSET UTF-8 " + search).get(0));
            out.add("UID " + search + " -> " + c.command("UID SEARCH CHARSET UTF-8 " + search).get(0));
        }
        return out;
    }

    @Test
    void searchWithTheIndexAnswersExactlyAsTheScanDoes() throws Exception {
        deliverCorpus();
        awaitIndexed();
        List<String> indexed;
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            indexed = runAll(c);
        }
        disableIndex();
        assertThat(fx.store.mail().searchText(fx.inbox(alice).id(), TextField.BODY, "hello").orElseThrow()
                .unverified().count()).isEqualTo(5);
        List<String> scanned;
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            scanned = runAll(c);
        }
        assertThat(indexed).isEqualTo(scanned);
        assertThat(indexed).contains("BODY กระเป๋า -> * SEARCH 2 3", "TEXT invoice -> * SEARCH 2 3 4",
                "BODY café -> * SEARCH 4", "FROM สมชาย -> * SEARCH 2", "NOT BODY กระเป๋า -> * SEARCH 1 4 5");
    }

    @Test
    void messagesNotYetIndexedAreStillFound() throws Exception {
        deliverCorpus();
        awaitIndexed();
        disableIndex();
        fx.deliver(alice, "Subject: late\r\n\r\nthe late quorblixate arrives\r\n");
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            assertThat(c.command("SEARCH BODY quorblixate").get(0)).isEqualTo("* SEARCH 6");
            assertThat(c.command("SEARCH BODY partone").get(0)).isEqualTo("* SEARCH 5");
        }
    }
}
