package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that go silent: before login (login timeout), logged in (RFC 9051 §5.4 autologout) and in IDLE
 * (RFC 2177: the server may end an IDLE that lasts too long). Each ends with an untagged BYE and a closed
 * connection, while a client that keeps talking for longer than the timeout is not cut off. The timeouts are
 * short here; the server enforces them up to a second late (Connection's idle watch), so only order and
 * outcome are checked, never timing.
 */
class SilentClientTest {
    private static final Duration SHORT = Duration.ofMillis(600);

    @TempDir
    Path dir;
    private ImapFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private void start() throws Exception {
        fx = new ImapFixture(dir);
        fx.account("alice");
        fx.start(ImapConfig.loopback().withTimeouts(SHORT, SHORT, SHORT));
    }

    /** Lines the server sends until it closes the connection (the client's own 30 s read timeout bounds it). */
    private static List<String> linesUntilClosed(ImapTestClient c) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line = c.readLine(); line != null && lines.size() < 100; line = c.readLine()) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void aClientSilentBeforeLoginGetsByeAndIsDisconnected() throws Exception {
        start();
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            assertThat(c.readLine()).startsWith("* OK");
            assertThat(linesUntilClosed(c)).singleElement().asString().startsWith("* BYE");
        }
    }

    @Test
    void aLoggedInClientSilentTooLongIsLoggedOutWithBye() throws Exception {
        start();
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.login("alice@example.test");
            assertThat(ImapTestClient.last(c.command("SELECT INBOX"))).contains("OK");
            assertThat(linesUntilClosed(c)).singleElement().asString().startsWith("* BYE");
        }
    }

    @Test
    void anIdleLongerThanTheIdleTimeoutEndsWithBye() throws Exception {
        start();
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.login("alice@example.test");
            c.command("SELECT INBOX");
            c.send("I1 IDLE");
            assertThat(c.readLine()).startsWith("+");
            assertThat(linesUntilClosed(c)).last().asString().startsWith("* BYE");
        }
    }

    @Test
    void aClientThatKeepsTalkingOutlivesTheTimeout() throws Exception {
        start();
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            c.login("alice@example.test");
            long end = System.nanoTime() + SHORT.multipliedBy(4).toNanos();
            int noops = 0;
            while (System.nanoTime() < end && noops < 1_000) {
                assertThat(ImapTestClient.last(c.command("NOOP"))).contains("OK");
                noops++;
                Thread.sleep(SHORT.toMillis() / 6);
            }
            assertThat(ImapTestClient.last(c.command("LOGOUT"))).contains("OK");
        }
    }
}
