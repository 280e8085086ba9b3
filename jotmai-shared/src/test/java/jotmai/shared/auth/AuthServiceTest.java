package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import jotmai.store.AccountStore;
import jotmai.store.sqlite.SqliteStore;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class AuthServiceTest {
    private static final String DOVECOT_SHA512 =
            "{SHA512-CRYPT}$6$egueZcthNmgKJsG6$KWKfOpHW1qh105RS69X8UmVFM0ODhtPmqho1HeMO9rWcMVCDt3WlPh2x6R6wE9TU29avUmJ7dQewhZq3LQFI.1";

    @TempDir
    Path dataDir;
    private SqliteStore store;
    private AccountStore accounts;
    private final MutableClock clock = new MutableClock();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final Throttle.Policy policy = new Throttle.Policy(1, Duration.ofMillis(500), Duration.ofSeconds(4),
            6, Duration.ofMinutes(15), 8, Duration.ofMinutes(15), Duration.ofHours(24), Duration.ofHours(1),
            Duration.ofDays(30), 100, List.of());
    private AuthService auth;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @BeforeEach
    void setUp() {
        store = SqliteStore.open(dataDir);
        accounts = store.accounts();
        accounts.addDomain("example.com");
        accounts.createAccount("alice@example.com", Passwords.hash("right horse"), 0);
        accounts.createAccount("bob@example.com", DOVECOT_SHA512, 0);
        auth = new AuthService(accounts, new Throttle(policy, clock), sleeps::add);
        logs.start();
        ((Logger) LoggerFactory.getLogger(AuthService.class)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(AuthService.class)).detachAppender(logs);
        store.close();
    }

    @Test
    void correctPasswordSucceedsWithAnyCaseOfTheUsername() throws Exception {
        AuthResult r = auth.authenticate(" Alice@Example.COM", "right horse", ip("192.0.2.1"), "imap");
        assertThat(r).isInstanceOfSatisfying(AuthResult.Success.class,
                s -> assertThat(s.account().address()).isEqualTo("alice@example.com"));
    }

    @Test
    void wrongPasswordAndUnknownUserFailAlike() throws Exception {
        assertThat(auth.authenticate("alice@example.com", "wrong", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(auth.authenticate("nobody@example.com", "wrong", ip("192.0.2.1"), "smtp"))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(auth.authenticate("alice@example.com", "", ip("192.0.2.1"), "pop3"))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(auth.authenticate("", "x", ip("192.0.2.1"), "pop3")).isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void importedDovecotHashIsUpgradedToArgon2idOnSuccessfulLogin() throws Exception {
        AuthResult r = auth.authenticate("bob@example.com", "correct horse", ip("192.0.2.1"), "imap");
        assertThat(r).isInstanceOf(AuthResult.Success.class);
        String stored = accounts.account("bob@example.com").orElseThrow().passwordHash();
        assertThat(stored).startsWith("{ARGON2ID}$argon2id$");
        assertThat(Passwords.needsRehash(stored)).isFalse();
        assertThat(auth.authenticate("bob@example.com", "correct horse", ip("192.0.2.1"), "pop3"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(accounts.account("bob@example.com").orElseThrow().passwordHash()).isEqualTo(stored);
    }

    @Test
    void aRememberedLoginStopsWorkingAsSoonAsThePasswordIsChanged() throws Exception {
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "pop3"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "pop3"))
                .isInstanceOf(AuthResult.Success.class); // from the verified-login cache
        long id = accounts.account("alice@example.com").orElseThrow().id();
        accounts.setPasswordHash(id, Passwords.hash("new battery"));
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "pop3"))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(auth.authenticate("alice@example.com", "new battery", ip("192.0.2.1"), "pop3"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void aRememberedLoginDoesNotLetAnotherPasswordIn() throws Exception {
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(auth.authenticate("alice@example.com", "right horsE", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(auth.authenticate("alice@example.com", "", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void failedLoginDoesNotUpgradeTheHash() throws Exception {
        auth.authenticate("bob@example.com", "wrong", ip("192.0.2.1"), "imap");
        assertThat(accounts.account("bob@example.com").orElseThrow().passwordHash()).isEqualTo(DOVECOT_SHA512);
    }

    @Test
    void delayGrowsAfterTheFreeFailuresAndIsCapped() throws Exception {
        // From several addresses, so the account's counter is what grows (the address ban is not reached).
        for (int i = 0; i < policy.accountBanAfter(); i++) {
            auth.authenticate("alice@example.com", "guess" + i, ip("198.51.100." + (i + 1)), "smtp");
        }
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(4));
    }

    @Test
    void addressIsBannedAfterTooManyFailuresEvenWithTheRightPasswordUntilTheBanEnds() throws Exception {
        InetAddress attacker = ip("198.51.100.7");
        for (int i = 0; i < policy.ipBanAfter(); i++) {
            assertThat(auth.authenticate("user" + i + "@example.com", "guess", attacker, "imap"))
                    .isInstanceOf(AuthResult.Failure.class);
        }
        AuthResult banned = auth.authenticate("alice@example.com", "right horse", attacker, "pop3");
        assertThat(banned).isInstanceOfSatisfying(AuthResult.Throttled.class,
                t -> assertThat(t.retryAfter()).isEqualTo(Duration.ofMinutes(15)));
        // The ban is per address: the real user elsewhere is not affected.
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Success.class);
        clock.advance(Duration.ofMinutes(16));
        assertThat(auth.authenticate("alice@example.com", "right horse", attacker, "imap"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void repeatedBansOfOneAddressGetLonger() throws Exception {
        InetAddress attacker = ip("198.51.100.7");
        for (int i = 0; i < policy.ipBanAfter(); i++) {
            auth.authenticate("x" + i + "@example.com", "guess", attacker, "imap");
        }
        clock.advance(Duration.ofMinutes(16));
        AuthResult second = null;
        for (int i = 0; i < policy.ipBanAfter() && !(second instanceof AuthResult.Throttled); i++) {
            second = auth.authenticate("y" + i + "@example.com", "guess", attacker, "imap");
        }
        second = auth.authenticate("z@example.com", "guess", attacker, "imap");
        assertThat(second).isInstanceOfSatisfying(AuthResult.Throttled.class,
                t -> assertThat(t.retryAfter()).isEqualTo(Duration.ofMinutes(30)));
    }

    @Test
    void successResetsTheAccountCounter() throws Exception {
        for (int i = 0; i < 5; i++) {
            auth.authenticate("alice@example.com", "guess", ip("198.51.100." + (i + 1)), "imap");
        }
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Success.class);
        sleeps.clear();
        auth.authenticate("alice@example.com", "guess", ip("198.51.100.99"), "imap");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void distributedGuessingBansTheAccountButNotForTheUsersOwnAddress() throws Exception {
        InetAddress home = ip("192.0.2.1");
        assertThat(auth.authenticate("alice@example.com", "right horse", home, "imap"))
                .isInstanceOf(AuthResult.Success.class);
        for (int i = 0; i < policy.accountBanAfter(); i++) {
            auth.authenticate("alice@example.com", "guess", ip("203.0.113." + (i + 1)), "smtp");
        }
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("203.0.113.200"), "imap"))
                .isInstanceOf(AuthResult.Throttled.class);
        assertThat(auth.authenticate("alice@example.com", "right horse", home, "imap"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void ipv6AddressesAreCountedPerSlash64() throws Exception {
        for (int i = 0; i < policy.ipBanAfter(); i++) {
            auth.authenticate("x@example.com", "guess", ip("2001:db8:1:2::" + Integer.toHexString(i + 1)), "imap");
        }
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("2001:db8:1:2:ffff::1"), "imap"))
                .isInstanceOf(AuthResult.Throttled.class);
        assertThat(auth.authenticate("alice@example.com", "right horse", ip("2001:db8:1:3::1"), "imap"))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void trackedEntriesStayBoundedUnderAFloodOfAddressesAndNames() throws Exception {
        Throttle throttle = new Throttle(policy, clock);
        for (int i = 0; i < 5_000; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            throttle.recordFailure(a, "user" + i + "@example.com");
        }
        assertThat(throttle.trackedEntries()).isLessThanOrEqualTo(2 * policy.maxTrackedEntries());
    }

    @Test
    void aThrottledSessionSleepingDoesNotHoldUpOtherSessions() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AuthService blocking = new AuthService(accounts, new Throttle(policy, clock), d -> {
            sleeping.countDown();
            release.await(60, TimeUnit.SECONDS);
        });
        InetAddress attacker = ip("198.51.100.7");
        for (int i = 0; i <= policy.freeFailures(); i++) {
            blocking.authenticate("x@example.com", "guess", attacker, "imap");
        }
        AtomicReference<AuthResult> slow = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> slow.set(blocking.authenticate("x@example.com", "g", attacker, "imap")));
        assertThat(sleeping.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(blocking.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "imap"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(slow.get()).isNull();
        release.countDown();
        t.join(Duration.ofSeconds(60));
        assertThat(slow.get()).isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void passwordsNeverAppearInLogLines() throws Exception {
        auth.authenticate("alice@example.com", "right horse", ip("192.0.2.1"), "imap");
        auth.authenticate("alice@example.com", "S3cr3t-Guess", ip("192.0.2.1"), "imap");
        auth.authenticate("bob@example.com", "correct horse", ip("192.0.2.1"), "imap");
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("right horse", "S3cr3t-Guess", "correct horse", "$argon2id$", "$6$"));
    }

    @Test
    void controlCharactersInTheUsernameCannotForgeLogLines() throws Exception {
        auth.authenticate("eve\r\n12:00 INFO auth imap ok user=alice", "x", ip("192.0.2.1"), "imap");
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\r", "\n"));
    }
}
