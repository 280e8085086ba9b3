package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * 16 threads append to and flag one mailbox at the same time (issue 2, "Tests"): UIDs strictly
 * increasing and unique, MODSEQs consistent, no lost flag update.
 */
class ConcurrentWritersTest {

    static final int THREADS = 16;
    static final int APPENDS_PER_THREAD = 20;
    /** A stack frame of the store's main code (not of this test). */
    static final java.util.regex.Pattern STORE_FRAME =
            java.util.regex.Pattern.compile("jotmai\\.store\\.sqlite\\.(?!ConcurrentWritersTest)");

    /** Each worker appends and flags its own message and a random earlier one (others flag it too). */
    private static void runWorkers(SqliteStore store, long mailboxId, int threads, int appendsPerThread,
                                   Map<Integer, List<AppendResult>> appended, Map<Integer, Set<Long>> flaggedBy)
            throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<AppendResult> mine = new ArrayList<>();
                    Set<Long> flagged = new HashSet<>();
                    String keyword = "k" + thread;
                    for (int i = 0; i < appendsPerThread; i++) {
                        byte[] raw = ("Subject: t" + thread + " m" + i + "\r\n\r\nbody\r\n")
                                .getBytes(StandardCharsets.US_ASCII);
                        AppendResult r = store.mail().append(mailboxId, MessageSource.ofBytes(raw), Set.of(),
                                Instant.now());
                        mine.add(r);
                        long other = 1 + ThreadLocalRandom.current().nextLong(r.uid());
                        store.mail().updateFlags(mailboxId, UidSet.of(r.uid(), other), FlagOperation.ADD,
                                Set.of(keyword), OptionalLong.empty());
                        flagged.add(r.uid());
                        flagged.add(other);
                    }
                    appended.put(thread, mine);
                    flaggedBy.put(thread, flagged);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void sixteenThreadsAppendingAndFlaggingOneMailboxLoseNothing(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account account = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
            Mailbox sent = store.mail().mailbox(account.id(), "Sent").orElseThrow();
            // the same workload on another mailbox first: one-time class loading and call-site linkage
            // (which pin inside the JDK) happen here, before the pinning recorder runs
            runWorkers(store, sent.id(), 2, 2, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
            long startModSeq = inbox.highestModSeq();
            Map<Integer, List<AppendResult>> appended = new ConcurrentHashMap<>();
            Map<Integer, Set<Long>> flaggedBy = new ConcurrentHashMap<>();

            List<String> pinned = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (jdk.jfr.consumer.RecordingStream jfr = new jdk.jfr.consumer.RecordingStream()) {
                // Style guide 3.1: no virtual thread may park while pinned (writes go to a platform
                // writer thread, so callers wait unpinned).
                jfr.enable("jdk.VirtualThreadPinned").withThreshold(java.time.Duration.ZERO).withStackTrace();
                jfr.onEvent("jdk.VirtualThreadPinned", e -> {
                    String stack = String.valueOf(e.getStackTrace());
                    if (STORE_FRAME.matcher(stack).find() && !stack.contains("ClassLoader.loadClass")
                            && !stack.contains("linkCallSite") && !stack.contains("<clinit>")) {
                        pinned.add(stack);
                    }
                });
                jfr.startAsync();
                runWorkers(store, inbox.id(), THREADS, APPENDS_PER_THREAD, appended, flaggedBy);
            }
            assertThat(pinned).as("virtual threads parked while pinned").isEmpty();

            int total = THREADS * APPENDS_PER_THREAD;
            Set<Long> allUids = new HashSet<>();
            Set<Long> appendModSeqs = new HashSet<>();
            for (List<AppendResult> mine : appended.values()) {
                for (int i = 1; i < mine.size(); i++) {
                    assertThat(mine.get(i).uid()).isGreaterThan(mine.get(i - 1).uid());
                    assertThat(mine.get(i).modSeq()).isGreaterThan(mine.get(i - 1).modSeq());
                }
                for (AppendResult r : mine) {
                    allUids.add(r.uid());
                    appendModSeqs.add(r.modSeq());
                }
            }
            assertThat(allUids).hasSize(total);
            assertThat(appendModSeqs).as("every append has its own MODSEQ").hasSize(total);
            List<MessageMeta> messages = store.mail().messages(inbox.id());
            assertThat(messages).extracting(MessageMeta::uid)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());

            for (Map.Entry<Integer, Set<Long>> e : flaggedBy.entrySet()) {
                String keyword = "k" + e.getKey();
                for (MessageMeta m : messages) {
                    if (e.getValue().contains(m.uid())) {
                        assertThat(m.flags()).as("uid %d", m.uid()).contains(keyword);
                    }
                }
            }

            Mailbox after = store.mail().mailbox(inbox.id()).orElseThrow();
            long maxMessageModSeq = messages.stream().mapToLong(MessageMeta::modSeq).max().orElseThrow();
            assertThat(after.highestModSeq()).isEqualTo(maxMessageModSeq);
            assertThat(after.uidNext()).isEqualTo(total + 1);
            List<StoreChange> changes = store.mail().changesSince(inbox.id(), startModSeq).changes();
            assertThat(changes).hasSize(total).allMatch(c -> c instanceof StoreChange.Added);
            assertThat(changes).extracting(StoreChange::modSeq).isSorted();
        }
    }
}
