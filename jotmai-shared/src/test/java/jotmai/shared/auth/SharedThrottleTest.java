package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import jotmai.store.postgres.PostgresConfig;
import jotmai.store.postgres.PostgresStore;

/**
 * Two nodes, one database (issue 8): two {@link PostgresStore}s on the same schema, each with its own
 * {@link AuthService}, stand for two Jotmai processes. Failures on node A must count on node B and a
 * ban on A must refuse on B. Needs the test PostgreSQL of bin/pg-test.sh (skipped without it, unless
 * CI=true).
 */
class SharedThrottleTest {

    static final Throttle.Policy POLICY = new Throttle.Policy(2, Duration.ofMillis(100), Duration.ofSeconds(2),
            6, Duration.ofMinutes(15), 10, Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(1),
            Duration.ofDays(1), 1000, List.of());

    static PostgresConfig config;
    static PostgresStore nodeAStore;
    static PostgresStore nodeBStore;
    static String domain;

    final List<Duration> sleepsA = new CopyOnWriteArrayList<>();
    final List<Duration> sleepsB = new CopyOnWriteArrayList<>();
    AuthService nodeA;
    AuthService nodeB;

    @BeforeAll
    static void openBothNodes() {
        String url = System.getenv("JOTMAI_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            String why = "JOTMAI_TEST_PG_URL is not set; run: bin/pg-test.sh start && export $(bin/pg-test.sh env)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        config = PostgresConfig.of(url, user(), password()).withSchema(schema).withPoolSize(4)
                .withConnectionTimeout(Duration.ofSeconds(2));
        nodeAStore = PostgresStore.open(config);
        nodeBStore = PostgresStore.open(config);
        domain = "d" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        nodeAStore.accounts().addDomain(domain);
        nodeAStore.accounts().createAccount("alice@" + domain, Passwords.hash("right horse"), 0);
    }

    @AfterAll
    static void closeBothNodes() throws Exception {
        if (nodeAStore == null) {
            return;
        }
        nodeAStore.close();
        nodeBStore.close();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), user(), password());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
        }
    }

    @BeforeEach
    void twoAuthServices() {
        nodeA = node(nodeAStore, sleepsA);
        nodeB = node(nodeBStore, sleepsB);
    }

    private static AuthService node(PostgresStore store, List<Duration> sleeps) {
        return new AuthService(store.accounts(), new Throttle(POLICY, Clock.systemUTC(), store.throttle()), sleeps::add);
    }

    private static String user() {
        return System.getenv().getOrDefault("JOTMAI_TEST_PG_USER", "mail");
    }

    private static String password() {
        return System.getenv().getOrDefault("JOTMAI_TEST_PG_PASSWORD", "mailpw");
    }

    /** A fresh address per test, so the tests do not share counters. */
    private static InetAddress freshAddress() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return InetAddress.getByAddress(new byte[] {10, (byte) r.nextInt(256), (byte) r.nextInt(256),
                (byte) (1 + r.nextInt(254))});
    }

    @Test
    void failuresOnNodeACountOnNodeB() throws Exception {
        InetAddress guesser = freshAddress();
        String victim = "nobody-" + UUID.randomUUID() + "@" + domain;
        for (int i = 0; i < 3; i++) {
            assertThat(nodeA.authenticate(victim, "guess" + i, guesser, "imap"))
                    .isInstanceOf(AuthResult.Failure.class);
        }
        // Node B never saw this address, yet its fourth attempt is delayed like on node A.
        assertThat(nodeB.authenticate(victim, "guess3", guesser, "pop3")).isInstanceOf(AuthResult.Failure.class);
        assertThat(sleepsB).containsExactly(POLICY.baseDelay());
        assertThat(nodeBStore.throttle().state(Throttle.ipKey(guesser.getHostAddress())).orElseThrow().failures())
                .isEqualTo(4);
    }

    @Test
    void aBanOnNodeARefusesOnNodeBEvenTheRightPassword() throws Exception {
        InetAddress guesser = freshAddress();
        for (int i = 0; i < POLICY.ipBanAfter(); i++) {
            nodeA.authenticate("alice@" + domain, "wrong" + i, guesser, "smtp");
        }
        assertThat(nodeA.authenticate("alice@" + domain, "right horse", guesser, "smtp"))
                .isInstanceOf(AuthResult.Throttled.class);
        assertThat(nodeB.authenticate("alice@" + domain, "right horse", guesser, "imap"))
                .isInstanceOf(AuthResult.Throttled.class);
        // Another address is not affected by the address ban.
        assertThat(nodeB.authenticate("alice@" + domain, "right horse", freshAddress(), "imap"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void failuresSplitAcrossNodesAddUpToOneBan() throws Exception {
        InetAddress guesser = freshAddress();
        String victim = "nobody-" + UUID.randomUUID() + "@" + domain;
        for (int i = 0; i < POLICY.ipBanAfter(); i++) {
            AuthService node = i % 2 == 0 ? nodeA : nodeB;
            assertThat(node.authenticate(victim, "guess" + i, guesser, "imap")).isInstanceOf(AuthResult.Failure.class);
        }
        // Each node saw only half the threshold, but the shared count reached it.
        assertThat(nodeA.authenticate(victim, "again", guesser, "imap")).isInstanceOf(AuthResult.Throttled.class);
        assertThat(nodeB.authenticate(victim, "again", guesser, "imap")).isInstanceOf(AuthResult.Throttled.class);
    }

    @Test
    void aGuesserBannedOnNodeAGetsTheLongerRepeatedBanOnNodeB() throws Exception {
        MutableClock clock = new MutableClock();
        // Whole milliseconds: what timestamptz stores exactly.
        clock.advance(Duration.between(clock.instant(),
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        AuthService a = new AuthService(nodeAStore.accounts(),
                new Throttle(POLICY, clock, nodeAStore.throttle()), sleepsA::add);
        AuthService b = new AuthService(nodeBStore.accounts(),
                new Throttle(POLICY, clock, nodeBStore.throttle()), sleepsB::add);
        InetAddress guesser = freshAddress();
        String victim = "nobody-" + UUID.randomUUID() + "@" + domain;
        for (int i = 0; i < POLICY.ipBanAfter(); i++) {
            a.authenticate(victim, "guess" + i, guesser, "imap");
        }
        clock.advance(POLICY.ipBanDuration().plusMinutes(1));
        // After the first ban the count restarts at half the threshold: three more failures ban again.
        for (int i = 0; i < POLICY.ipBanAfter() / 2; i++) {
            assertThat(b.authenticate(victim, "again" + i, guesser, "pop3")).isInstanceOf(AuthResult.Failure.class);
        }
        AuthResult refused = a.authenticate(victim, "more", guesser, "imap");
        assertThat(refused).isInstanceOf(AuthResult.Throttled.class);
        assertThat(((AuthResult.Throttled) refused).retryAfter()).isEqualTo(POLICY.ipBanDuration().multipliedBy(2));
    }

    @Test
    void aSuccessOnNodeBClearsTheAccountCountFromNodeA() throws Exception {
        String alice = "alice@" + domain;
        nodeA.authenticate(alice, "wrong", freshAddress(), "imap");
        assertThat(nodeAStore.throttle().state(Throttle.accountKey(alice))).isPresent();
        assertThat(nodeB.authenticate(alice, "right horse", freshAddress(), "imap"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(nodeAStore.throttle().state(Throttle.accountKey(alice))).isEmpty();
    }

    @Test
    void anUnreachableSharedStoreFailsOpenAndTheNodeStillThrottlesLocally() throws Exception {
        PostgresStore gone = PostgresStore.open(config);
        gone.close(); // every throttle call now fails
        AuthService lonely = node(gone, sleepsA);
        AuthService withAccounts = new AuthService(nodeAStore.accounts(),
                new Throttle(POLICY, Clock.systemUTC(), gone.throttle()), sleepsA::add);
        InetAddress client = freshAddress();
        assertThat(withAccounts.authenticate("alice@" + domain, "right horse", client, "imap"))
                .isInstanceOf(AuthResult.Success.class);
        InetAddress guesser = freshAddress();
        for (int i = 0; i < POLICY.ipBanAfter(); i++) {
            assertThat(withAccounts.authenticate("alice@" + domain, "wrong" + i, guesser, "imap"))
                    .isInstanceOf(AuthResult.Failure.class);
        }
        assertThat(withAccounts.authenticate("alice@" + domain, "right horse", guesser, "imap"))
                .isInstanceOf(AuthResult.Throttled.class);
        assertThat(lonely.throttle().trackedEntries()).isZero();
    }
}
