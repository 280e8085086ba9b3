package jotmai.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/** {@link UidSet#minus} and {@link UidSet#within} on ranges, and {@link Changes#completedFor}. */
class UidSetRangesTest {

    @Test
    void minusCutsHolesAndEndsOutOfRanges() {
        UidSet all = UidSet.range(1, 20);
        assertThat(all.minus(UidSet.of(1, 5, 6, 20)).toString()).isEqualTo("2:4,7:19");
        assertThat(UidSet.of(3, 4, 10).minus(UidSet.range(1, 100))).isEqualTo(UidSet.EMPTY);
        assertThat(UidSet.range(1, 0xFFFF_FFFFL).minus(UidSet.range(2, 0xFFFF_FFFEL)).toString())
                .isEqualTo("1,4294967295");
        assertThat(UidSet.range(5, 9).within(1, 6).toString()).isEqualTo("5:6");
    }

    @Test
    void minusAgreesWithSetDifferenceOnRandomSets() {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            TreeSet<Long> a = randomSet(random);
            TreeSet<Long> b = randomSet(random);
            TreeSet<Long> expected = new TreeSet<>(a);
            expected.removeAll(b);
            assertThat(UidSet.of(a).minus(UidSet.of(b)).stream().boxed().toList())
                    .as("%s minus %s", a, b).isEqualTo(List.copyOf(expected));
        }
    }

    private static TreeSet<Long> randomSet(Random random) {
        TreeSet<Long> s = new TreeSet<>();
        int n = random.nextInt(30);
        for (int i = 0; i < n; i++) {
            s.add(1L + random.nextInt(40));
        }
        return s;
    }

    @Test
    void completedChangesNameEveryKnownUidThatNoLongerExistsOnce() {
        Changes below = new Changes(50, List.of(new StoreChange.Expunged(4, 49)),
                Optional.of(new Changes.Existing(UidSet.of(1, 3), 8)));
        assertThat(below.expungesComplete()).isFalse();
        Changes done = below.completedFor(LongStream.of(1, 2, 3, 4, 5));
        assertThat(done.expungesComplete()).isTrue();
        assertThat(done.changes()).containsExactly(new StoreChange.Expunged(4, 49), new StoreChange.Expunged(2, 50),
                new StoreChange.Expunged(5, 50));
        Changes complete = new Changes(50, List.of());
        assertThat(complete.completedFor(LongStream.of(1, 2))).isSameAs(complete);
    }
}
