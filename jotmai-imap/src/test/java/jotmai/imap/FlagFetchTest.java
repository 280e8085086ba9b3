package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * FETCH of UID/FLAGS/MODSEQ only is answered by {@link FlagFetch} from flag rows; adding any other item
 * (RFC822.SIZE) takes the general path. Both must write the same items for every message: same order,
 * flags, \Recent (rev1), MODSEQ and sequence numbers.
 */
class FlagFetchTest extends ImapServerTestBase {

    @Override
    void beforeStart() {
        fx.deliverNumbered(alice, 4);
    }

    @Test
    void theFlagOnlyFetchWritesWhatTheGeneralPathWritesForTheSameItems() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
             ImapTestClient other = new ImapTestClient(fx.port()).login("alice@example.test")) {
            other.command("SELECT INBOX"); // claims \Recent for messages 1-4
            other.command("STORE 2 +FLAGS.SILENT ($Work \\Answered)");
            other.command("STORE 3 +FLAGS.SILENT (\\Seen)");
            fx.deliver(alice, ImapFixture.message(5)); // recent for the next SELECT only
            c.command("ENABLE CONDSTORE");
            assertThat(ImapTestClient.last(c.command("SELECT INBOX"))).contains("OK");
            other.command("UID EXPUNGE 1"); // c has not been told: message 1 gets no FETCH answer
            for (String items : List.of("FLAGS MODSEQ UID", "UID FLAGS", "MODSEQ FLAGS", "FLAGS")) {
                List<String> fast = c.command("FETCH 1:* (" + items + ")");
                List<String> general = c.command("FETCH 1:* (" + items + " RFC822.SIZE)");
                assertThat(fast.subList(0, fast.size() - 1)).as(items).isEqualTo(general.subList(0, general.size() - 1)
                        .stream().map(l -> l.replaceFirst(" RFC822\\.SIZE \\d+\\)$", ")")).toList());
                assertThat(ImapTestClient.last(fast)).contains("OK");
            }
            List<String> uidFetch = c.command("UID FETCH 2:* (FLAGS)");
            assertThat(uidFetch).hasSize(5).first().asString().matches("\\* 2 FETCH \\(UID 2 FLAGS \\(.*\\$Work.*\\)\\)");
            assertThat(uidFetch.get(3)).isEqualTo("* 5 FETCH (UID 5 FLAGS (\\Recent))");
        }
    }
}
