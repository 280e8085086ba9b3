package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import jotmai.store.StoreException;
import jotmai.store.ThrottleStore;

/**
 * {@link ThrottleStore}: failure counts within a window, bans that never shrink, reset and purge.
 * Keys are unique per test so a shared database works.
 */
public interface ThrottleStoreContract extends StoreFixture {

    Duration WINDOW = Duration.ofHours(1);

    private ThrottleStore throttle() {
        return store().throttle();
    }

    private static String key(String kind) {
        return kind + ":" + UUID.randomUUID() + "@example.com";
    }

    /** Whole milliseconds, as every backend stores them. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    default void failuresAreCountedPerKeyAndReadBack() {
        String a = key("acct");
        String b = key("ip");
        Instant t = now();
        assertThat(throttle().state(a)).isEmpty();
        assertThat(throttle().recordFailure(a, t, WINDOW)).isEqualTo(1);
        assertThat(throttle().recordFailure(a, t.plusSeconds(1), WINDOW)).isEqualTo(2);
        assertThat(throttle().recordFailure(b, t, WINDOW)).isEqualTo(1);
        ThrottleStore.State state = throttle().state(a).orElseThrow();
        assertThat(state.failures()).isEqualTo(2);
        assertThat(state.lastFailure()).isEqualTo(t.plusSeconds(1));
        assertThat(state.bannedUntil()).isEmpty();
        assertThat(state.bans()).isZero();
    }

    @Test
    default void aFailureAfterAnIdleWindowStartsTheCountAgain() {
        String k = key("ip");
        Instant t = now();
        throttle().recordFailure(k, t, WINDOW);
        throttle().recordFailure(k, t, WINDOW);
        assertThat(throttle().recordFailure(k, t.plus(WINDOW).plusSeconds(1), WINDOW)).isEqualTo(1);
    }

    @Test
    default void aBanIsVisibleSetsTheCountAndIsNeverShortened() {
        String k = key("ip");
        Instant t = now();
        for (int i = 0; i < 5; i++) {
            throttle().recordFailure(k, t, WINDOW);
        }
        Instant until = t.plus(Duration.ofMinutes(15));
        throttle().ban(k, until, 2);
        assertThat(throttle().bannedUntil(k)).contains(until);
        assertThat(throttle().state(k).orElseThrow().failures()).isEqualTo(2);
        throttle().ban(k, t.plusSeconds(1), 2);
        assertThat(throttle().bannedUntil(k)).contains(until);
        assertThat(throttle().state(k).orElseThrow().bans()).isEqualTo(2);
        assertThat(throttle().recordFailure(k, t, WINDOW)).isEqualTo(3);
    }

    @Test
    default void aBanKeepsTheCountAliveBeyondTheWindow() {
        String k = key("ip");
        Instant t = now();
        throttle().recordFailure(k, t, WINDOW);
        throttle().ban(k, t.plus(WINDOW).plus(WINDOW), 10);
        assertThat(throttle().recordFailure(k, t.plus(WINDOW).plusSeconds(60), WINDOW)).isEqualTo(11);
    }

    @Test
    default void aBanOfAnUnknownKeyCreatesIt() {
        String k = key("acct");
        Instant until = now().plusSeconds(600);
        throttle().ban(k, until, 0);
        assertThat(throttle().bannedUntil(k)).contains(until);
    }

    @Test
    default void resetForgetsTheKeyOnly() {
        String a = key("acct");
        String b = key("acct");
        Instant t = now();
        throttle().recordFailure(a, t, WINDOW);
        throttle().recordFailure(b, t, WINDOW);
        throttle().reset(a);
        throttle().reset(key("never-seen"));
        assertThat(throttle().state(a)).isEmpty();
        assertThat(throttle().state(b)).isPresent();
        assertThat(throttle().recordFailure(a, t, WINDOW)).isEqualTo(1);
    }

    @Test
    default void purgeDeletesOnlyRecordsWhoseFailuresAndBansAreOld() {
        Instant t = now();
        String old = key("ip");
        String recent = key("ip");
        String oldButBanned = key("ip");
        throttle().recordFailure(old, t.minus(Duration.ofDays(2)), WINDOW);
        throttle().recordFailure(recent, t, WINDOW);
        throttle().recordFailure(oldButBanned, t.minus(Duration.ofDays(2)), WINDOW);
        throttle().ban(oldButBanned, t.plus(Duration.ofHours(2)), 1);
        assertThat(throttle().purge(t.minus(Duration.ofDays(1)))).isGreaterThanOrEqualTo(1);
        assertThat(throttle().state(old)).isEmpty();
        assertThat(throttle().state(recent)).isPresent();
        assertThat(throttle().state(oldButBanned)).isPresent();
    }

    @Test
    default void concurrentFailuresAreAllCounted() throws Exception {
        String k = key("acct");
        int threads = 8;
        int each = 25;
        AtomicInteger highest = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    for (int j = 0; j < each; j++) {
                        highest.accumulateAndGet(throttle().recordFailure(k, now(), WINDOW), Math::max);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(highest.get()).isEqualTo(threads * each);
        assertThat(throttle().state(k).orElseThrow().failures()).isEqualTo(threads * each);
    }

    @Test
    default void emptyOrOverlongKeysAreRefused() {
        assertThatThrownBy(() -> throttle().recordFailure("", now(), WINDOW))
                .isInstanceOf(StoreException.Invalid.class);
        String huge = "acct:" + "x".repeat(ThrottleStore.MAX_KEY_LENGTH);
        assertThatThrownBy(() -> throttle().recordFailure(huge, now(), WINDOW))
                .isInstanceOf(StoreException.Invalid.class);
    }
}
