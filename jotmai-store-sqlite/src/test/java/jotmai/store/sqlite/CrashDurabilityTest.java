package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;

/**
 * Crash durability (issue 2, "Tests"): a child JVM appends in a loop and is killed with SIGKILL;
 * every append it acknowledged is present and readable after reopening, and the store opens cleanly.
 */
class CrashDurabilityTest {

    /** How long the child goes on appending after it has acknowledged {@link #MIN_ACKS} appends. */
    static final long RUN_MILLIS = 500;

    /**
     * Acknowledgements to wait for before the kill: a fixed run time alone killed the child before its
     * first fsync when the machine was loaded, and the test then had nothing to check.
     */
    static final int MIN_ACKS = 10;

    @Test
    void everyAcknowledgedAppendSurvivesKillNine(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString())
                .redirectError(dir.resolveSibling(dir.getFileName() + "-child.err").toFile())
                .start();
        Map<Long, Integer> acknowledged = new ConcurrentHashMap<>();
        CountDownLatch ready = new CountDownLatch(1);
        CountDownLatch firstAcks = new CountDownLatch(MIN_ACKS);
        Thread reader = Thread.ofVirtual().start(
                () -> readAcks(child.getInputStream(), acknowledged, ready, firstAcks));
        try {
            assertThat(ready.await(30, TimeUnit.SECONDS))
                    .as("child started; stderr: %s", childErr(dir)).isTrue();
            firstAcks.await(60, TimeUnit.SECONDS); // bounded; an empty ack set is reported below
            Thread.sleep(RUN_MILLIS);
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(10_000);
        assertThat(acknowledged).as("the child acknowledged appends before it was killed").isNotEmpty();
        System.out.println("child acknowledged " + acknowledged.size() + " appends before SIGKILL");

        try (SqliteStore store = SqliteStore.open(dir)) {
            Account account = store.accounts().account("a@crash.example").orElseThrow();
            Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
            List<MessageMeta> messages = store.mail().messages(inbox.id());
            Map<Long, MessageMeta> byUid = new ConcurrentHashMap<>();
            messages.forEach(m -> byUid.put(m.uid(), m));
            for (Map.Entry<Long, Integer> ack : acknowledged.entrySet()) {
                MessageMeta m = byUid.get(ack.getKey());
                assertThat(m).as("acknowledged uid %d", ack.getKey()).isNotNull();
                try (InputStream in = store.mail().openContent(m.blob())) {
                    assertThat(in.readAllBytes()).isEqualTo(CrashChild.message(ack.getValue()));
                }
            }
            long next = store.mail().append(inbox.id(), MessageSource.ofBytes(CrashChild.message(-1)), Set.of(),
                    Instant.now()).uid();
            assertThat(next).isGreaterThan(messages.isEmpty() ? 0 : messages.getLast().uid());
        }
    }

    private static String childErr(Path dir) {
        try {
            return java.nio.file.Files.readString(dir.resolveSibling(dir.getFileName() + "-child.err"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static void readAcks(InputStream out, Map<Long, Integer> acknowledged, CountDownLatch ready,
            CountDownLatch firstAcks) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.equals("READY")) {
                    ready.countDown();
                } else if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ");
                    if (parts.length == 3) { // a line cut by the kill is not an acknowledgement
                        acknowledged.put(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
                        firstAcks.countDown();
                    }
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // the child died mid-line; what was read completely counts
        }
    }
}
