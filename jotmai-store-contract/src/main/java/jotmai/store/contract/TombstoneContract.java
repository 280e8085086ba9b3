package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.Changes;
import jotmai.store.Mailbox;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * Bounded expunge tombstones ({@link jotmai.store.MailStore#pruneTombstones}): the newest are kept,
 * the mailbox remembers the highest pruned MODSEQ (its vanished floor), and
 * {@link jotmai.store.MailStore#changesSince} below the floor says that expunges may be missing and
 * gives the current UIDs instead (RFC 7162 §3.2.6: a superset, never a missed expunge).
 */
public interface TombstoneContract extends StoreFixture {

    /** Appends {@code n} messages and expunges them one by one; returns the MODSEQ of each expunge. */
    private List<Long> appendAndExpungeOneByOne(Mailbox box, int n) {
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            uids.add(append(box, "doomed " + i, "\\Deleted").uid());
        }
        List<Long> modSeqs = new ArrayList<>();
        for (long uid : uids) {
            mail().expunge(box.id(), Optional.of(UidSet.of(uid)));
            modSeqs.add(mailbox(box.id()).highestModSeq());
        }
        return modSeqs;
    }

    private static List<Long> expunged(Changes c) {
        return c.changes().stream().filter(x -> x instanceof StoreChange.Expunged).map(StoreChange::uid).toList();
    }

    @Test
    default void pruningKeepsTheNewestTombstonesAndChangesBelowTheFloorSayTheyAreIncomplete() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long start = mailbox(inbox.id()).highestModSeq();
        long keeper = append(inbox, "stays").uid();
        List<Long> expungeModSeqs = appendAndExpungeOneByOne(inbox, 10); // UIDs 2..11

        assertThat(mail().pruneTombstones(inbox.id(), 3, 100)).isEqualTo(7);

        long floor = expungeModSeqs.get(6);
        Changes atFloor = mail().changesSince(inbox.id(), floor);
        assertThat(atFloor.expungesComplete()).isTrue();
        assertThat(expunged(atFloor)).containsExactly(9L, 10L, 11L);

        Changes below = mail().changesSince(inbox.id(), floor - 1);
        assertThat(below.expungesComplete()).isFalse();
        assertThat(below.existing().orElseThrow().uids()).isEqualTo(UidSet.of(keeper));
        assertThat(below.existing().orElseThrow().uidNext()).isEqualTo(12);
        assertThat(expunged(below)).containsExactly(9L, 10L, 11L); // what is listed is still true

        Changes fromStart = mail().changesSince(inbox.id(), start);
        assertThat(fromStart.expungesComplete()).isFalse();
        assertThat(fromStart.changes()).anyMatch(c -> c instanceof StoreChange.Added x && x.uid() == keeper);
        // a caller that knew UIDs 1..11 learns every expunge
        assertThat(expunged(fromStart.completedFor(java.util.stream.LongStream.rangeClosed(1, 11))))
                .containsExactlyInAnyOrder(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
    }

    @Test
    default void aMailboxWithinTheCapIsNotPrunedAndStaysComplete() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long start = mailbox(inbox.id()).highestModSeq();
        appendAndExpungeOneByOne(inbox, 3);
        assertThat(mail().pruneTombstones(inbox.id(), 3, 100)).isZero();
        assertThat(mail().mailboxesOverTombstoneCap(3, 100)).doesNotContain(inbox.id());
        Changes c = mail().changesSince(inbox.id(), start);
        assertThat(c.expungesComplete()).isTrue();
        assertThat(expunged(c)).containsExactly(1L, 2L, 3L);
    }

    @Test
    default void pruningRunsInBatchesOfAtMostMaxRowsAndTheFloorOnlyRises() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox other = mail().createMailbox(a.id(), "Other", Optional.empty());
        List<Long> modSeqs = appendAndExpungeOneByOne(inbox, 10);
        appendAndExpungeOneByOne(other, 2);

        assertThat(mail().mailboxesOverTombstoneCap(2, 100)).contains(inbox.id()).doesNotContain(other.id());
        assertThat(mail().pruneTombstones(inbox.id(), 2, 3)).isEqualTo(3);
        assertThat(mail().changesSince(inbox.id(), modSeqs.get(2)).expungesComplete()).isTrue();
        assertThat(mail().changesSince(inbox.id(), modSeqs.get(2) - 1).expungesComplete()).isFalse();
        assertThat(mail().pruneTombstones(inbox.id(), 2, 3)).isEqualTo(3);
        assertThat(mail().pruneTombstones(inbox.id(), 2, 3)).isEqualTo(2);
        assertThat(mail().pruneTombstones(inbox.id(), 2, 3)).isZero();
        assertThat(mail().mailboxesOverTombstoneCap(2, 100)).doesNotContain(inbox.id());
        assertThat(mail().changesSince(inbox.id(), modSeqs.get(7)).expungesComplete()).isTrue();
        assertThat(mail().changesSince(inbox.id(), modSeqs.get(7) - 1).expungesComplete()).isFalse();
        // another mailbox of the account keeps all of its tombstones
        assertThat(mail().changesSince(other.id(), 0).expungesComplete()).isTrue();
        // a mailbox that never lost a tombstone, and an unknown one, have nothing to prune
        assertThat(mail().pruneTombstones(other.id(), 2, 3)).isZero();
    }

    @Test
    default void everyClientStateResynchronisesExactlyWhilePruningRunsConcurrently() throws Exception {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        record Seen(long modSeq, TreeSet<Long> uids) {}
        List<Seen> seen = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread pruner = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 10_000 && !done.get(); i++) {
                    mail().pruneTombstones(inbox.id(), 5, 3);
                    Thread.sleep(1); // leave the writer to the appends most of the time
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        TreeSet<Long> uids = new TreeSet<>();
        seen.add(new Seen(mailbox(inbox.id()).highestModSeq(), new TreeSet<>(uids)));
        try {
            for (int round = 0; round < 40; round++) {
                uids.add(append(inbox, "a" + round, "\\Deleted").uid());
                uids.add(append(inbox, "b" + round).uid());
                seen.add(new Seen(mailbox(inbox.id()).highestModSeq(), new TreeSet<>(uids)));
                long oldest = uids.stream().filter(u -> u % 2 == 1).findFirst().orElseThrow(); // the \Deleted ones
                mail().expunge(inbox.id(), Optional.of(UidSet.of(oldest)));
                uids.remove(oldest);
                seen.add(new Seen(mailbox(inbox.id()).highestModSeq(), new TreeSet<>(uids)));
            }
        } finally {
            done.set(true);
            pruner.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failure.get()).isNull();
        mail().pruneTombstones(inbox.id(), 5, 1000);
        boolean someBelowFloor = false;
        for (Seen s : seen) {
            Changes c = mail().changesSince(inbox.id(), s.modSeq());
            someBelowFloor |= !c.expungesComplete();
            TreeSet<Long> replayed = new TreeSet<>(s.uids());
            for (StoreChange change : c.completedFor(s.uids().stream().mapToLong(Long::longValue)).changes()) {
                switch (change) {
                    case StoreChange.Added x -> replayed.add(x.uid());
                    case StoreChange.FlagsChanged x -> assertThat(replayed).contains(x.uid());
                    case StoreChange.Expunged x -> replayed.remove(x.uid());
                }
            }
            assertThat(replayed).as("a client at MODSEQ %d", s.modSeq()).isEqualTo(uids);
        }
        assertThat(someBelowFloor).isTrue();
    }
}
