package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.ChangeBus;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * {@link ChangeBus}: rings after commit for every kind of change, only for the subscribed mailbox.
 * Rings may be coalesced (a cross-node bus may deliver one for several changes), so the tests wait
 * for "at least one ring" and then pull changes.
 */
public interface ChangeBusContract extends StoreFixture {

    /** Generous: the bus may be asynchronous (LISTEN/NOTIFY). */
    long RING_TIMEOUT_SECONDS = 10;
    /** How long to wait before concluding that no ring comes. */
    long NO_RING_MILLIS = 300;

    private static boolean rang(BlockingQueue<String> rings) throws InterruptedException {
        boolean any = rings.poll(RING_TIMEOUT_SECONDS, TimeUnit.SECONDS) != null;
        rings.clear();
        return any;
    }

    @Test
    default void anAppendRingsTheMailboxAfterTheChangeIsReadable() throws Exception {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        long start = inbox.highestModSeq();
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        // Listeners only enqueue (ChangeBus javadoc); the change must be readable once the bell rang.
        try (ChangeBus.Subscription ignored = store().changes().subscribe(inbox.id(), () -> rings.add("ring"))) {
            Thread appender = Thread.ofVirtual().start(() -> append(inbox, "ding"));
            assertThat(rings.poll(RING_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNotNull();
            List<StoreChange> changes = mail().changesSince(inbox.id(), start).changes();
            assertThat(changes).hasSize(1).first().isInstanceOf(StoreChange.Added.class);
            appender.join(RING_TIMEOUT_SECONDS * 1000);
        }
    }

    @Test
    default void flagChangesExpungesCopiesAndMovesRing() throws Exception {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox trash = mail().mailbox(a.id(), "Trash").orElseThrow();
        append(inbox, "one");
        append(inbox, "two");
        BlockingQueue<String> inboxRings = new LinkedBlockingQueue<>();
        BlockingQueue<String> trashRings = new LinkedBlockingQueue<>();
        try (ChangeBus.Subscription s1 = store().changes().subscribe(inbox.id(), () -> inboxRings.add("inbox"));
             ChangeBus.Subscription s2 = store().changes().subscribe(trash.id(), () -> trashRings.add("trash"))) {
            mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
            assertThat(rang(inboxRings)).as("flags").isTrue();
            mail().expunge(inbox.id(), Optional.empty());
            assertThat(rang(inboxRings)).as("expunge").isTrue();
            mail().copy(inbox.id(), UidSet.of(2), trash.id());
            assertThat(rang(trashRings)).as("copy").isTrue();
            mail().move(inbox.id(), UidSet.of(2), trash.id());
            assertThat(rang(inboxRings)).as("move source").isTrue();
            assertThat(rang(trashRings)).as("move target").isTrue();
        }
    }

    @Test
    default void otherMailboxesAndClosedSubscriptionsAreNotRung() throws Exception {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        Mailbox sent = mail().mailbox(a.id(), "Sent").orElseThrow();
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        ChangeBus.Subscription s = store().changes().subscribe(inbox.id(), () -> rings.add("inbox"));
        append(sent, "elsewhere");
        assertThat(rings.poll(NO_RING_MILLIS, TimeUnit.MILLISECONDS)).isNull();
        s.close();
        append(inbox, "after close");
        assertThat(rings.poll(NO_RING_MILLIS, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    default void aFailingListenerDoesNotStopOthersOrTheWrite() throws Exception {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        try (ChangeBus.Subscription bad = store().changes().subscribe(inbox.id(), () -> {
            throw new IllegalStateException("listener bug");
        });
             ChangeBus.Subscription good = store().changes().subscribe(inbox.id(), () -> rings.add("good"))) {
            assertThat(append(inbox, "still stored").uid()).isEqualTo(1);
            assertThat(rang(rings)).isTrue();
        }
    }

    @Test
    default void ringingByHandReachesSubscribers() throws Exception {
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        try (ChangeBus.Subscription s = store().changes().subscribe(424242, () -> rings.add("x"))) {
            store().changes().ring(424242);
            assertThat(rang(rings)).isTrue();
        }
    }

    @Test
    default void mailboxListChangesRingTheAccountsListKeyOnly() throws Exception {
        Account a = newAccount();
        Account other = newAccount();
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        BlockingQueue<String> otherRings = new LinkedBlockingQueue<>();
        // RFC 5465 §5.4/§5.5: a NOTIFY session re-reads the list when the account's list key rings
        try (ChangeBus.Subscription s = store().changes().subscribeMailboxList(a.id(), () -> rings.add("list"));
             ChangeBus.Subscription o = store().changes().subscribeMailboxList(other.id(), () -> otherRings.add("x"))) {
            mail().createMailbox(a.id(), "Projects", Optional.empty());
            assertThat(rang(rings)).as("create").isTrue();
            mail().renameMailbox(a.id(), "Projects", "Archive/Projects");
            assertThat(rang(rings)).as("rename").isTrue();
            mail().setSubscribed(a.id(), "Archive/Projects", true);
            assertThat(rang(rings)).as("subscribe").isTrue();
            mail().setSubscribed(a.id(), "Archive/Projects", false);
            assertThat(rang(rings)).as("unsubscribe").isTrue();
            mail().deleteMailbox(a.id(), "Archive/Projects");
            assertThat(rang(rings)).as("delete").isTrue();
            store().metadata().set(a.id(), inbox(a).id(), java.util.Map.of("/private/comment", new byte[] {'x'}),
                    new jotmai.store.MetadataStore.Limits(10, 1000));
            assertThat(rang(rings)).as("mailbox metadata").isTrue();
            store().metadata().set(a.id(), jotmai.store.MetadataStore.SERVER,
                    java.util.Map.of("/private/vendor/x", new byte[] {'y'}), new jotmai.store.MetadataStore.Limits(10, 1000));
            assertThat(rang(rings)).as("server metadata").isTrue();
            assertThat(otherRings.poll(NO_RING_MILLIS, TimeUnit.MILLISECONDS)).as("another account").isNull();
        }
        assertThat(ChangeBus.mailboxListKey(a.id())).as("never a mailbox id").isNegative();
    }

    @Test
    default void grantingAndWithdrawingRightsRingsTheGranteesListKey() throws Exception {
        Account owner = newAccount();
        Account grantee = newAccount();
        long mailbox = inbox(owner).id();
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        // RFC 5465 §5.9: a mailbox that becomes visible (or invisible) to a NOTIFY session
        try (ChangeBus.Subscription s = store().changes().subscribeMailboxList(grantee.id(), () -> rings.add("acl"))) {
            store().acl().setRights(mailbox, grantee.address(), jotmai.store.Rights.of("lr"));
            assertThat(rang(rings)).as("grant").isTrue();
            store().acl().removeRights(mailbox, grantee.address());
            assertThat(rang(rings)).as("withdraw").isTrue();
        }
    }

    @Test
    default void grantingAndWithdrawingRightsRingsTheMailboxForSessionsThatHaveItSelected() throws Exception {
        Account owner = newAccount();
        Account grantee = newAccount();
        long mailbox = inbox(owner).id();
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        // RFC 4314 §4: a session with the mailbox selected (also while in IDLE) must not keep rights it lost
        try (ChangeBus.Subscription s = store().changes().subscribe(mailbox, () -> rings.add("acl"))) {
            store().acl().setRights(mailbox, grantee.address(), jotmai.store.Rights.of("lr"));
            assertThat(rang(rings)).as("grant").isTrue();
            store().acl().setRights(mailbox, "anyone", jotmai.store.Rights.of("l"));
            assertThat(rang(rings)).as("anyone").isTrue();
            store().acl().removeRights(mailbox, grantee.address());
            assertThat(rang(rings)).as("withdraw").isTrue();
            store().acl().removeRights(mailbox, grantee.address());
            assertThat(rings.poll(NO_RING_MILLIS, TimeUnit.MILLISECONDS)).as("nothing removed").isNull();
        }
    }
}
