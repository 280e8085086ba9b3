package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Several sessions IDLE on one mailbox (their wake-ups share the store work, see SharedChanges):
 * every one of them gets each EXISTS, and \Recent (RFC 3501 §2.3.2) goes to exactly one of them.
 */
class IdleFanOutTest extends ImapServerTestBase {
    static final int IDLERS = 6;

    @Test
    void everyIdlerSeesEachDeliveryAndExactlyOneGetsItAsRecent() throws Exception {
        List<ImapTestClient> idlers = new ArrayList<>();
        try {
            for (int i = 0; i < IDLERS; i++) {
                ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
                c.command("SELECT INBOX");
                c.send("i IDLE");
                assertThat(c.readLine()).startsWith("+ ");
                idlers.add(c);
            }
            for (int round = 1; round <= 3; round++) {
                fx.deliver(alice, ImapFixture.message(round));
                int recentOnes = 0;
                for (ImapTestClient c : idlers) {
                    assertThat(c.readLine()).isEqualTo("* " + round + " EXISTS");
                    String recent = c.readLine();
                    assertThat(recent).matches("\\* \\d+ RECENT");
                    recentOnes += Integer.parseInt(recent.split(" ")[1]);
                }
                // counts are cumulative per session; over all sessions each message is recent once
                assertThat(recentOnes).as("round %d", round).isEqualTo(round);
            }
            for (ImapTestClient c : idlers) {
                c.send("DONE");
                assertThat(c.readLine()).isEqualTo("i OK IDLE completed");
            }
        } finally {
            for (ImapTestClient c : idlers) {
                c.close();
            }
        }
    }
}
