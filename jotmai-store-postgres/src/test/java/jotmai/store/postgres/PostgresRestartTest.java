package jotmai.store.postgres;

import static jotmai.store.postgres.PostgresOutageTest.eventually;
import static jotmai.store.postgres.PostgresOutageTest.message;
import static jotmai.store.postgres.PostgresOutageTest.succeeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.ChangeBus;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.StoreException;

/**
 * A real PostgreSQL restart (pg_ctl stop / start through bin/pg-test.sh). It stops the test server that
 * other test classes may be using, so it runs only when JOTMAI_TEST_PG_RESTART_SCRIPT names the script
 * (e.g. {@code JOTMAI_TEST_PG_RESTART_SCRIPT=$PWD/bin/pg-test.sh}); otherwise it is skipped, also in CI.
 * {@link PostgresOutageTest} covers the same behaviour with a proxy on every run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PostgresRestartTest {

    static void run(String script, String command) throws Exception {
        Process p = new ProcessBuilder(script, command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s %s: %s", script, command, output).isZero();
    }

    @Test
    void aRealDatabaseRestartGivesUnavailableAndServiceResumesByItself() throws Exception {
        String script = System.getenv("JOTMAI_TEST_PG_RESTART_SCRIPT");
        assumeTrue(script != null && !script.isBlank(), "set JOTMAI_TEST_PG_RESTART_SCRIPT to bin/pg-test.sh to run");
        PostgresConfig config = PgTestDatabase.freshSchema().withConnectionTimeout(Duration.ofSeconds(1)).withPoolSize(4);
        try (PostgresStore nodeA = PostgresStore.open(config); PostgresStore nodeB = PostgresStore.open(config)) {
            String domain = "d" + System.nanoTime() + ".example";
            nodeA.accounts().addDomain(domain);
            Account account = nodeA.accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
            long inbox = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
            List<AppendResult> acknowledged = new CopyOnWriteArrayList<>();
            acknowledged.add(nodeA.mail().append(inbox, message("before"), Set.of(), Instant.now()));
            eventually("node B listening", nodeB::listening);
            try {
                run(script, "stop");
                assertThatThrownBy(() -> nodeA.mail().append(inbox, message("during"), Set.of(), Instant.now()))
                        .isInstanceOf(StoreException.Unavailable.class);
                assertThatThrownBy(() -> nodeB.mail().messages(inbox)).isInstanceOf(StoreException.Unavailable.class);
            } finally {
                run(script, "start");
            }
            eventually("appends work again", () -> succeeds(
                    () -> acknowledged.add(nodeA.mail().append(inbox, message("after"), Set.of(), Instant.now()))));
            eventually("node B listens again", nodeB::listening);
            BlockingQueue<String> rings = new LinkedBlockingQueue<>();
            try (ChangeBus.Subscription ignored = nodeB.changes().subscribe(inbox, () -> rings.add("ring"))) {
                acknowledged.add(nodeA.mail().append(inbox, message("cross-node"), Set.of(), Instant.now()));
                assertThat(rings.poll(5, TimeUnit.SECONDS)).as("ring crosses nodes again").isNotNull();
            }
            assertThat(nodeB.mail().messages(inbox)).extracting(MessageMeta::uid)
                    .containsAll(acknowledged.stream().map(AppendResult::uid).toList());
        } finally {
            PgTestDatabase.dropSchema(config);
        }
    }
}
