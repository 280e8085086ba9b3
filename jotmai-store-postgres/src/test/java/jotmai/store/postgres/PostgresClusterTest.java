package jotmai.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.ChangeBus;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.QueueStore;

/**
 * Two PostgresStore instances on one database and schema are two Jotmai nodes: changes cross nodes,
 * UID/MODSEQ allocation holds under concurrent appends from both, the maildrop lock is exclusive
 * across them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresClusterTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PostgresClusterTest.class);

    /** Appending threads per node and appends per thread. */
    static final int THREADS_PER_NODE = 8;
    static final int APPENDS_PER_THREAD = 12;

    static PostgresConfig config;
    static PostgresStore nodeA;
    static PostgresStore nodeB;

    @BeforeAll
    static void open() {
        config = PgTestDatabase.freshSchema();
        // Generous waits for a connection: the test machine is small and shared.
        PostgresConfig node = config.withPoolSize(THREADS_PER_NODE + 2).withConnectionTimeout(Duration.ofSeconds(10));
        nodeA = PostgresStore.open(node);
        nodeB = PostgresStore.open(node);
    }

    @AfterAll
    static void close() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
            PgTestDatabase.dropSchema(config);
        }
    }

    static Account newAccount(PostgresStore node) {
        String domain = "d" + System.nanoTime() + ".example";
        node.accounts().addDomain(domain);
        return node.accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
    }

    static MessageSource message(String subject) {
        return MessageSource.ofBytes(("Subject: " + subject + "\r\nMessage-ID: <" + subject + "." + System.nanoTime()
                + "@test>\r\n\r\nbody " + subject + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    static void awaitListening(PostgresStore node) throws InterruptedException {
        for (int i = 0; i < 200 && !node.listening(); i++) {
            Thread.sleep(50);
        }
        assertThat(node.listening()).as("LISTEN connection up").isTrue();
    }

    @Test
    void aSubscriberOnNodeBHearsAnAppendOnNodeAWithinOneSecond() throws Exception {
        awaitListening(nodeB);
        Account account = newAccount(nodeA);
        Mailbox inbox = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow();
        BlockingQueue<Long> rings = new LinkedBlockingQueue<>();
        try (ChangeBus.Subscription ignored = nodeB.changes().subscribe(inbox.id(), () -> rings.add(System.nanoTime()))) {
            for (int i = 0; i < 3; i++) {
                long before = System.nanoTime();
                AppendResult r = nodeA.mail().append(inbox.id(), message("cross-node " + i), Set.of(), Instant.now());
                Long heard = rings.poll(1, TimeUnit.SECONDS);
                assertThat(heard).as("ring on node B within 1 s").isNotNull();
                assertThat(TimeUnit.NANOSECONDS.toMillis(heard - before)).isLessThan(1000);
                assertThat(nodeB.mail().changesSince(inbox.id(), r.modSeq() - 1).changes()).hasSize(1);
                rings.clear();
            }
        }
    }

    @Test
    void ringingByHandOnOneNodeReachesTheOther() throws Exception {
        awaitListening(nodeA);
        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        try (ChangeBus.Subscription ignored = nodeA.changes().subscribe(987_654_321L, () -> rings.add("x"))) {
            nodeB.changes().ring(987_654_321L);
            assertThat(rings.poll(2, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void concurrentAppendsFromTwoNodesGetUniqueUidsThatCommitInIncreasingOrder() throws Exception {
        Account account = newAccount(nodeA);
        long inboxId = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
        int total = 2 * THREADS_PER_NODE * APPENDS_PER_THREAD;
        List<AppendResult> results = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicReference<String> gap = new AtomicReference<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);

        // A reader that must never see UID n+1 committed while n is not: that would be a UID committed
        // out of allocation order, which a client could miss for ever.
        Thread observer = Thread.ofPlatform().start(() -> {
            for (int round = 0; writing.get() && round < 10_000; round++) {
                List<MessageMeta> seen = nodeB.mail().messages(inboxId);
                for (int i = 0; i < seen.size(); i++) {
                    if (seen.get(i).uid() != i + 1) {
                        gap.compareAndSet(null, "saw UIDs " + seen.stream().map(MessageMeta::uid).toList());
                    }
                }
            }
        });
        List<Thread> writers = new ArrayList<>();
        for (PostgresStore node : List.of(nodeA, nodeB)) {
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                String name = (node == nodeA ? "A" : "B") + t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                            results.add(node.mail().append(inboxId, message(name + "-" + i), Set.of(), Instant.now()));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
        }
        long started = System.nanoTime();
        start.countDown();
        for (Thread w : writers) {
            w.join(TimeUnit.SECONDS.toMillis(90));
        }
        long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        log.info("measured: {} appends to one mailbox from 2 nodes x {} threads in {} ms ({} appends/s)", total,
                THREADS_PER_NODE, millis, total * 1000L / millis);
        writing.set(false);
        observer.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(failures).isEmpty();
        assertThat(gap.get()).isNull();
        List<AppendResult> byUid = new ArrayList<>(results);
        byUid.sort((x, y) -> Long.compare(x.uid(), y.uid()));
        assertThat(byUid).extracting(AppendResult::uid)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
        List<Long> modSeqs = byUid.stream().map(AppendResult::modSeq).toList();
        assertThat(modSeqs).isSorted().doesNotHaveDuplicates();
        MailStore mail = nodeB.mail();
        Mailbox after = mail.mailbox(inboxId).orElseThrow();
        assertThat(after.uidNext()).isEqualTo(total + 1);
        assertThat(after.highestModSeq()).isEqualTo(Collections.max(modSeqs));
        assertThat(mail.messages(inboxId)).extracting(MessageMeta::modSeq).containsExactlyElementsOf(modSeqs);
        assertThat(mail.quota(account.id()).messages()).isEqualTo(total);
    }

    @Test
    void theMaildropLockIsExclusiveAcrossNodes() {
        Account account = newAccount(nodeA);
        var onA = nodeA.mail().lockMaildrop(account.id());
        assertThat(onA).isPresent();
        assertThat(nodeB.mail().lockMaildrop(account.id())).isEmpty();
        assertThat(nodeA.mail().lockMaildrop(account.id())).isEmpty();
        onA.get().close();
        var onB = nodeB.mail().lockMaildrop(account.id());
        assertThat(onB).isPresent();
        assertThat(nodeA.mail().lockMaildrop(account.id())).isEmpty();
        onB.get().close();
        nodeA.mail().lockMaildrop(account.id()).orElseThrow().close();
    }

    @Test
    void flagChangesOnOneNodeAreSeenByChangesSinceOnTheOther() {
        Account account = newAccount(nodeA);
        long inboxId = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
        AppendResult r = nodeA.mail().append(inboxId, message("flags"), Set.of(), Instant.now());
        var updated = nodeB.mail().updateFlags(inboxId, jotmai.store.UidSet.of(r.uid()), jotmai.store.FlagOperation.ADD,
                Set.of("\\Seen"), java.util.OptionalLong.empty()).updated();
        assertThat(updated).hasSize(1);
        assertThat(nodeA.mail().changesSince(inboxId, r.modSeq()).changes())
                .containsExactly(new jotmai.store.StoreChange.FlagsChanged(updated.getFirst()));
    }

    @Test
    void twoNodesPruningOneMailboxAtOnceLeaveNoDeletedTombstoneAboveTheFloor() throws Exception {
        Account account = newAccount(nodeA);
        long inboxId = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
        List<Long> expungeModSeqs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            AppendResult r = nodeA.mail().append(inboxId, message("t" + i), Set.of("\\Deleted"), Instant.now());
            nodeA.mail().expunge(inboxId, java.util.Optional.of(jotmai.store.UidSet.of(r.uid())));
            expungeModSeqs.add(nodeA.mail().mailbox(inboxId).orElseThrow().highestModSeq());
        }
        java.util.concurrent.atomic.AtomicInteger deleted = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> pruners = new ArrayList<>();
        for (PostgresStore node : List.of(nodeA, nodeB, nodeA, nodeB)) {
            pruners.add(Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 100; round++) {
                    int n = node.mail().pruneTombstones(inboxId, 10, 7);
                    deleted.addAndGet(n);
                    if (n == 0) {
                        return;
                    }
                }
            }));
        }
        for (Thread t : pruners) {
            t.join(60_000);
        }
        assertThat(deleted.get()).as("each tombstone deleted once").isEqualTo(50);
        long floor = expungeModSeqs.get(49);
        for (PostgresStore node : List.of(nodeA, nodeB)) {
            var atFloor = node.mail().changesSince(inboxId, floor);
            assertThat(atFloor.expungesComplete()).isTrue();
            assertThat(atFloor.changes()).hasSize(10);
            assertThat(node.mail().changesSince(inboxId, floor - 1).expungesComplete()).isFalse();
        }
        assertThat(nodeB.mail().mailboxesOverTombstoneCap(10, 1000)).doesNotContain(inboxId);
    }

    @Test
    void eachQueuedMessageIsClaimedByExactlyOneNodeAndADeadNodesLeaseLapses() throws Exception {
        List<String> queued = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            queued.add(nodeA.queue().enqueue("a@example.com",
                    List.of(new QueueStore.QueuedRecipient("r" + i + "@elsewhere.example", "", "")),
                    message("queued " + i), new QueueStore.DsnRequest("", "", false, false)));
        }
        Instant now = Instant.now().plusSeconds(1);
        Map<PostgresStore, List<String>> claimed = new ConcurrentHashMap<>();
        List<Thread> runners = new ArrayList<>();
        for (PostgresStore node : List.of(nodeA, nodeB)) {
            claimed.put(node, new CopyOnWriteArrayList<>());
            for (int t = 0; t < 3; t++) {
                runners.add(Thread.ofPlatform().start(() -> {
                    for (int round = 0; round < 100; round++) {
                        List<QueueStore.QueuedMessage> batch = node.queue().claimDue(now, 2, Duration.ofMinutes(5));
                        if (batch.isEmpty()) {
                            return;
                        }
                        batch.forEach(m -> claimed.get(node).add(m.id()));
                    }
                }));
            }
        }
        for (Thread r : runners) {
            r.join(TimeUnit.SECONDS.toMillis(60));
        }
        List<String> all = new ArrayList<>(claimed.get(nodeA));
        all.addAll(claimed.get(nodeB));
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(queued);

        // Node A "dies" holding a message: node B gets it once the lease has run out, not before.
        String orphan = queued.getFirst();
        nodeA.queue().reschedule(orphan, now);
        assertThat(nodeA.queue().claimDue(now, 10, Duration.ofSeconds(30))).extracting(QueueStore.QueuedMessage::id)
                .containsExactly(orphan);
        assertThat(nodeB.queue().claimDue(now.plusSeconds(29), 10, Duration.ofMinutes(1))).isEmpty();
        assertThat(nodeB.queue().claimDue(now.plusSeconds(31), 10, Duration.ofMinutes(1)))
                .extracting(QueueStore.QueuedMessage::id).containsExactly(orphan);
    }

    /**
     * Issue 4: node A keeps a big mailbox's flag rows in memory; node B's flag changes, expunges and
     * appends raise the mailbox's HIGHESTMODSEQ in the database, so A's next read brings its rows up to
     * date and equals the message rows.
     */
    @Test
    void aBigMailboxsCachedFlagRowsOnOneNodeFollowChangesMadeOnTheOther() {
        Account account = newAccount(nodeA);
        long inbox = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
        for (int i = 0; i < 40; i++) {
            nodeB.mail().append(inbox, message("big" + i), i % 4 == 0 ? Set.of() : Set.of("\\Seen"), Instant.now());
        }
        while (nodeB.mail().status(inbox).messages() < jotmai.store.support.FlagRowsCache.MIN_ROWS) {
            long last = nodeB.mail().mailbox(inbox).orElseThrow().uidNext() - 1;
            nodeB.mail().copy(inbox, jotmai.store.UidSet.range(1, last), inbox);
        }
        assertFlagRowsOnAMatchMessages(inbox);
        nodeB.mail().updateFlags(inbox, jotmai.store.UidSet.range(1, 8), jotmai.store.FlagOperation.ADD,
                Set.of("\\Deleted", "$Job"), java.util.OptionalLong.empty());
        assertFlagRowsOnAMatchMessages(inbox);
        nodeB.mail().expunge(inbox, java.util.Optional.empty());
        nodeB.mail().append(inbox, message("late"), Set.of("\\Flagged"), Instant.now());
        assertFlagRowsOnAMatchMessages(inbox);
    }

    private static void assertFlagRowsOnAMatchMessages(long inbox) {
        List<MessageMeta> metas = nodeA.mail().messages(inbox);
        jotmai.store.FlagRows rows = nodeA.mail().flagRows(inbox);
        assertThat(rows.uids()).containsExactly(metas.stream().mapToLong(MessageMeta::uid).toArray());
        assertThat(rows.modSeqs()).containsExactly(metas.stream().mapToLong(MessageMeta::modSeq).toArray());
        for (int i = 0; i < metas.size(); i++) {
            assertThat(rows.flags().get(i)).containsExactlyInAnyOrderElementsOf(metas.get(i).flags());
        }
        assertThat(nodeA.mail().flagRows(inbox, "\\Seen", false).uids()).containsExactly(
                metas.stream().filter(m -> !m.hasFlag("\\Seen")).mapToLong(MessageMeta::uid).toArray());
    }
}
