package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.sqlite.SqliteStore;

/**
 * kill -9 of the delivering process in the middle of a run: after a restart every message reaches the
 * peer, none is lost, and at most one (the one whose 250 had arrived but whose outcome was not yet
 * committed: the documented at-least-once window, one per open connection) arrives twice.
 */
class DeliveryCrashTest {
    static final int MESSAGES = 60;

    @TempDir Path dir;

    /** One connection at a time, so the window is at most one message. */
    static DeliveryConfig config(Path dir, int port) {
        return DeliveryConfig.defaults().withHelloName("mx.local.test").withDataDir(dir)
                .withRetries(List.of(Duration.ofMillis(300)), Duration.ofMillis(300), Duration.ofDays(1), Duration.ZERO)
                .withRoutes(Map.of("remote.test", Route.of("127.0.0.1", port)), Optional.empty())
                .withTls(TlsMode.NONE, Map.of())
                .withLimits(1, 1, 10)
                .withTimeouts(Timeouts.all(Duration.ofSeconds(5)), Duration.ofMillis(100), Duration.ofMinutes(1));
    }

    @Test
    void afterKillDashNineEveryMessageIsDeliveredAndAtMostOneTwice() throws Exception {
        try (TestSink sink = new TestSink()) {
            sink.dataReply = n -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "250 2.0.0 ok " + n;
            };
            try (DeliveryFixture fx = new DeliveryFixture(dir)) {
                for (int i = 0; i < MESSAGES; i++) {
                    fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("crash-" + i, "x\r\n"), "bob@remote.test");
                }
            }
            Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
            Process child = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), DeliveryCrashChild.class.getName(),
                    dir.toString(), Integer.toString(sink.port()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> sink.received.size() >= MESSAGES / 3);
            } finally {
                child.destroyForcibly(); // SIGKILL
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            int beforeRestart = sink.received.size();
            assertThat(beforeRestart).isLessThan(MESSAGES);

            try (SqliteStore store = SqliteStore.open(dir.resolve("store"));
                 DeliveryService service = new DeliveryService(config(dir, sink.port()), store, null)) {
                service.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> store.queue().size() == 0);
            }
            Map<String, Integer> counts = new HashMap<>();
            Pattern subject = Pattern.compile("Subject: (crash-\\d+)");
            for (TestSink.Received r : sink.received) {
                Matcher m = subject.matcher(r.text());
                assertThat(m.find()).isTrue();
                counts.merge(m.group(1), 1, Integer::sum);
            }
            assertThat(counts).hasSize(MESSAGES);
            long duplicates = counts.values().stream().filter(c -> c > 1).count();
            assertThat(duplicates).isLessThanOrEqualTo(1);
            assertThat(counts.values()).allMatch(c -> c <= 2);
        }
    }
}
