package jotmai.store.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import jotmai.store.Changes;
import jotmai.store.FlagRows;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * {@link FlagRowsCache} below the vanished floor: changes that may miss expunges are never replayed
 * onto cached rows (a pruned tombstone would keep a gone message); the mailbox is scanned again.
 */
class FlagRowsCacheFloorTest {

    private static FlagRows rows(long first, long last) {
        long[] uids = LongStream.rangeClosed(first, last).toArray();
        long[] modSeqs = LongStream.rangeClosed(first, last).toArray();
        return new FlagRows(uids, modSeqs, Collections.nCopies(uids.length, Set.<String>of()));
    }

    private record Source(FlagRows scanned, Changes changes, AtomicInteger scans)
            implements FlagRowsCache.Source<RuntimeException> {
        public FlagRows scan() {
            scans.incrementAndGet();
            return scanned;
        }

        public Changes changesSince(long modSeq) {
            return changes;
        }
    }

    @Test
    void changesFromBelowTheFloorMakeTheCacheScanInsteadOfReplaying() {
        FlagRowsCache cache = new FlagRowsCache();
        int n = FlagRowsCache.MIN_ROWS + 1; // still cached after one expunge
        AtomicInteger scans = new AtomicInteger();
        FlagRows before = rows(1, n);
        assertThat(cache.rows(7, 1, 100, new Source(before, new Changes(100, List.of()), scans))).isSameAs(before);
        assertThat(scans).hasValue(1);

        // UID 1 was expunged and its tombstone pruned: the listed changes do not name it
        FlagRows after = rows(2, n);
        Changes incomplete = new Changes(101, List.<StoreChange>of(),
                Optional.of(new Changes.Existing(UidSet.range(2, n), n + 1)));
        assertThat(cache.rows(7, 1, 101, new Source(after, incomplete, scans)).uids()).startsWith(2L);
        assertThat(scans).hasValue(2);

        // complete changes are still replayed without a scan
        Changes complete = new Changes(102, List.of(new StoreChange.Expunged(2, 102)));
        assertThat(cache.rows(7, 1, 102, new Source(null, complete, scans)).uids()).startsWith(3L);
        assertThat(scans).hasValue(2);
    }
}
