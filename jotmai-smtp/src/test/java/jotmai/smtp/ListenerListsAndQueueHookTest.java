package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.auth.AuthService;
import jotmai.shared.net.ListenerConfig;

/**
 * One SmtpServer over several listeners of a kind (one per bind address) shares its hourly limit, and
 * the onQueued hook runs after each message that reached the outbound queue.
 */
@Timeout(60)
class ListenerListsAndQueueHookTest {

    @TempDir
    Path dir;

    private static String plain(String user) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + SmtpFixture.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static SmtpConfig submissionOnly(Path staging, ListenerConfig... listeners) {
        return SmtpConfig.defaults().withHostname("mx.example.test")
                .withListeners(List.of(), List.of(listeners), List.of(), List.of())
                .withTrustedNetworks(List.of())
                .withTimeouts(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(1))
                .withStagingDirectory(staging);
    }

    /** Authenticates as alice and sends one message to {@code rcpt}; returns the reply to the final dot. */
    private static String send(SmtpClient c, String rcpt) throws Exception {
        assertThat(c.send("MAIL FROM:<alice@example.test>")).startsWith("250");
        assertThat(c.send("RCPT TO:<" + rcpt + ">")).startsWith("250");
        assertThat(c.send("DATA")).startsWith("354");
        return c.send("From: alice@example.test\r\nSubject: hook\r\n\r\nbody\r\n.");
    }

    private static SmtpClient login(int port) throws Exception {
        SmtpClient c = new SmtpClient(port);
        assertThat(c.reply()).startsWith("220 ");
        c.send("EHLO client.test");
        assertThat(c.send("AUTH PLAIN " + plain("alice@example.test"))).startsWith("235");
        return c;
    }

    @Test
    void onQueuedRunsAfterAMessageForARemoteRecipientButNotForALocalOne() throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            AtomicInteger rings = new AtomicInteger();
            SmtpConfig config = submissionOnly(Files.createDirectories(dir.resolve("hook-staging")),
                    ListenerConfig.loopback("submission", false));
            try (SmtpServer server = new SmtpServer(config, fx.store, new AuthService(fx.store.accounts()), null,
                    rings::incrementAndGet)) {
                server.start();
                try (SmtpClient c = login(server.listener("submission").orElseThrow().port())) {
                    assertThat(send(c, "bob@example.test")).startsWith("250");
                    assertThat(rings).hasValue(0);

                    assertThat(send(c, "someone@remote.test")).startsWith("250");
                    assertThat(rings).hasValue(1);
                    assertThat(fx.store.queue().size()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void twoSubmissionListenersShareOneHourlyLimit() throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            SmtpConfig config = submissionOnly(Files.createDirectories(dir.resolve("two-staging")),
                    ListenerConfig.loopback("submission", false), ListenerConfig.loopback("submission", false))
                    .withLimits(SmtpConfig.DEFAULT_MAX_MESSAGE_SIZE, 100, 1);
            try (SmtpServer server = new SmtpServer(config, fx.store, new AuthService(fx.store.accounts()), null)) {
                server.start();
                assertThat(server.listeners()).hasSize(2);
                try (SmtpClient first = login(server.listeners().get(0).port())) {
                    assertThat(send(first, "bob@example.test")).startsWith("250");
                }
                try (SmtpClient second = login(server.listeners().get(1).port())) {
                    assertThat(second.send("MAIL FROM:<alice@example.test>")).startsWith("450 4.7.1");
                }
            }
        }
    }
}
