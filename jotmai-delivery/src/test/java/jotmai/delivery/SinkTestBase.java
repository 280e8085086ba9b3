package jotmai.delivery;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The common shape of the queue-runner tests: for each test a fresh SQLite store in a temporary
 * directory ({@link DeliveryFixture}) and an in-test SMTP sink on loopback ({@link TestSink}), both
 * closed after the test.
 */
abstract class SinkTestBase {
    /** Generous: the queue runner works on other threads, and CI shares two cores. */
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir Path dir;
    DeliveryFixture fx;
    TestSink sink;

    @BeforeEach
    final void startFixtureAndSink() throws Exception {
        fx = new DeliveryFixture(dir);
        sink = new TestSink();
    }

    @AfterEach
    final void closeSinkAndFixture() throws Exception {
        sink.close();
        fx.close();
    }
}
