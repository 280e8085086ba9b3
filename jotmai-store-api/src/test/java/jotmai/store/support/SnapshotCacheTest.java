package jotmai.store.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link SnapshotCache}: the weight bound, least-recently-used eviction, the newer snapshot winning
 * whatever order readers finish in, and consistent accounting under concurrent use.
 */
class SnapshotCacheTest {

    /** A value that weighs its own number: easy to reason about the bound. */
    private record Weight(long w) {}

    private final SnapshotCache<Weight> cache = new SnapshotCache<>(10, 100, Weight::w);

    @Test
    void a_value_is_returned_with_the_snapshot_it_was_read_in() {
        cache.put(1, 7, 42, new Weight(10));

        SnapshotCache.Snapshot<Weight> held = cache.get(1);
        assertThat(held.uidValidity()).isEqualTo(7);
        assertThat(held.modSeq()).isEqualTo(42);
        assertThat(held.value()).isEqualTo(new Weight(10));
        assertThat(cache.get(2)).isNull();
    }

    @Test
    void values_lighter_than_the_minimum_or_heavier_than_the_bound_are_not_kept() {
        cache.put(1, 1, 1, new Weight(9));
        cache.put(2, 1, 1, new Weight(101));
        cache.put(3, 1, 1, new Weight(100));

        assertThat(cache.holds(1)).isFalse();
        assertThat(cache.holds(2)).isFalse();
        assertThat(cache.holds(3)).isTrue();
        assertThat(cache.totalWeight()).isEqualTo(100);
    }

    @Test
    void a_value_too_light_to_keep_still_drops_the_older_one() {
        cache.put(1, 1, 1, new Weight(50));
        cache.put(1, 1, 2, new Weight(5));

        assertThat(cache.holds(1)).isFalse();
        assertThat(cache.totalWeight()).isZero();
    }

    @Test
    void the_least_recently_used_mailbox_is_evicted_first_when_the_bound_is_passed() {
        cache.put(1, 1, 1, new Weight(40));
        cache.put(2, 1, 1, new Weight(40));
        cache.get(1); // 2 is now the least recently used
        cache.put(3, 1, 1, new Weight(40));

        assertThat(cache.holds(1)).isTrue();
        assertThat(cache.holds(2)).isFalse();
        assertThat(cache.holds(3)).isTrue();
        assertThat(cache.totalWeight()).isEqualTo(80);
    }

    @Test
    void the_value_just_put_is_never_the_one_evicted() {
        cache.put(1, 1, 1, new Weight(60));
        cache.put(2, 1, 1, new Weight(60));

        assertThat(cache.holds(1)).isFalse();
        assertThat(cache.holds(2)).isTrue();
        assertThat(cache.totalWeight()).isEqualTo(60);
    }

    @Test
    void an_older_snapshot_put_late_does_not_replace_a_newer_one() {
        cache.put(1, 1, 20, new Weight(30));
        cache.put(1, 1, 10, new Weight(50));

        assertThat(cache.get(1).modSeq()).isEqualTo(20);
        assertThat(cache.get(1).value()).isEqualTo(new Weight(30));
        assertThat(cache.totalWeight()).isEqualTo(30);
    }

    @Test
    void a_new_uidvalidity_replaces_whatever_its_modseq() {
        cache.put(1, 1, 20, new Weight(30));
        cache.put(1, 2, 5, new Weight(50));

        assertThat(cache.get(1).uidValidity()).isEqualTo(2);
        assertThat(cache.totalWeight()).isEqualTo(50);
    }

    @Test
    void update_keeps_the_snapshot_and_declines_by_returning_the_same_value() {
        cache.put(1, 3, 9, new Weight(30));
        cache.update(1, w -> w);
        assertThat(cache.get(1).value()).isEqualTo(new Weight(30));

        cache.update(1, w -> new Weight(31));
        cache.update(2, w -> new Weight(99)); // absent: nothing happens

        assertThat(cache.get(1)).isEqualTo(new SnapshotCache.Snapshot<>(3, 9, new Weight(31)));
        assertThat(cache.holds(2)).isFalse();
        assertThat(cache.totalWeight()).isEqualTo(31);
    }

    @Test
    void remove_and_clear_give_back_the_weight() {
        cache.put(1, 1, 1, new Weight(30));
        cache.put(2, 1, 1, new Weight(40));
        cache.remove(1);
        assertThat(cache.totalWeight()).isEqualTo(40);
        cache.clear();
        assertThat(cache.totalWeight()).isZero();
        assertThat(cache.holds(2)).isFalse();
    }

    @Test
    void concurrent_puts_and_gets_keep_the_weight_within_the_bound_and_equal_to_what_is_held() throws Exception {
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long mailbox = (i + thread) % 7;
                        cache.put(mailbox, 1, i, new Weight(10 + (i % 30)));
                        cache.get((mailbox + 1) % 7);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        long held = 0;
        for (long mailbox = 0; mailbox < 7; mailbox++) {
            SnapshotCache.Snapshot<Weight> s = cache.get(mailbox);
            held += s == null ? 0 : s.value().w();
        }
        assertThat(cache.totalWeight()).isEqualTo(held).isLessThanOrEqualTo(100);
    }
}
