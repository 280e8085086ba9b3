import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jotmai.store.FlagOperation;
import jotmai.store.FlagRows;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.UidSet;

/**
 * Flag reads and writes on a big mailbox, through the store API of either backend (bench/store/flags.sh
 * runs it for SQLite and PostgreSQL in one run; only ratios from one run count).
 *
 * <pre>java -cp CLASSPATH bench/store/FlagBench.java sqlite DIR COUNT RUNS
 * java -cp CLASSPATH bench/store/FlagBench.java pg JDBC_URL USER PASSWORD SCHEMA COUNT RUNS</pre>
 *
 * Fills one INBOX with COUNT messages, 80 % \Seen (BASE distinct messages appended, then the mailbox
 * copied onto itself until COUNT is reached), then times, RUNS times each:
 * <ul>
 *   <li>{@code flagRows(all)}: MailStore.flagRows(mailbox), what SELECT reads;</li>
 *   <li>{@code flagRows(unseen)}: flagRows(mailbox, \Seen, false), what UID SEARCH UNSEEN reads;</li>
 *   <li>{@code default(all)} / {@code default(unseen)}: the interface's default (all message rows, then
 *       filtered in Java): what a backend without the narrow read does (the "before");</li>
 *   <li>{@code store x1}: STORE +FLAGS/-FLAGS \Flagged on one message, one after another (latency);</li>
 *   <li>{@code store x8}: the same from 8 threads on distinct messages (throughput).</li>
 * </ul>
 * Output: RESULT lines with min/median/max.
 */
public final class FlagBench {

    static final int BASE = 1000;
    static final int STORES = Integer.getInteger("stores", 200);
    static final int THREADS = 8;

    public static void main(String[] args) throws Exception {
        Store store;
        int count;
        int runs;
        String label = args[0];
        switch (args[0]) {
            case "sqlite" -> {
                store = jotmai.store.sqlite.SqliteStore.open(Path.of(args[1]));
                count = Integer.parseInt(args[2]);
                runs = Integer.parseInt(args[3]);
            }
            case "pg" -> {
                store = jotmai.store.postgres.PostgresStore.open(jotmai.store.postgres.PostgresConfig
                        .of(args[1], args[2], args[3]).withSchema(args[4]).withPoolSize(16));
                count = Integer.parseInt(args[5]);
                runs = Integer.parseInt(args[6]);
                label = args.length > 7 ? args[7] : "pg";
            }
            default -> throw new IllegalArgumentException("sqlite or pg");
        }
        try (store) {
            run(store, label, count, runs);
        }
        System.exit(0);
    }

    static void run(Store store, String label, int count, int runs) throws Exception {
        store.accounts().addDomain("flags.bench");
        long accountId = store.accounts().createAccount("big@flags.bench", "{PLAIN}x", Long.MAX_VALUE / 4).id();
        Mailbox inbox = store.mail().mailbox(accountId, "INBOX").orElseThrow();
        long t0 = System.nanoTime();
        for (int i = 0; i < BASE; i++) {
            byte[] raw = ("From: a@flags.bench\r\nTo: big@flags.bench\r\nSubject: message " + i
                    + "\r\nMessage-ID: <" + i + "@flags.bench>\r\n\r\nBody of message " + i + ".\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            Set<String> flags = i % 5 == 0 ? Set.of() : Set.of("\\Seen");
            store.mail().append(inbox.id(), MessageSource.ofBytes(raw), flags, Instant.now());
        }
        long n = BASE;
        while (n < count) {
            UidSet some = n * 2 <= count ? UidSet.ALL : UidSet.of(List.of(range(1, count - n)));
            n += store.mail().copy(inbox.id(), some, inbox.id()).mappings().size();
        }
        System.out.printf("SUMMARY %s filled %d messages in %.1f s%n", label, n, (System.nanoTime() - t0) / 1e9);

        time(label, "flagRows(all)", runs, () -> store.mail().flagRows(inbox.id()).size());
        time(label, "default(all)", runs, () -> FlagRows.of(store.mail().messages(inbox.id())).size());
        time(label, "flagRows(unseen)", runs, () -> store.mail().flagRows(inbox.id(), "\\Seen", false).size());
        time(label, "default(unseen)", runs,
                () -> FlagRows.of(store.mail().messages(inbox.id())).filter("\\Seen", false).size());

        long[] uids = store.mail().flagRows(inbox.id()).uids();
        double[] single = new double[STORES];
        for (int i = 0; i < STORES; i++) {
            long uid = uids[(int) ((i * 7919L) % uids.length)];
            long s = System.nanoTime();
            store.mail().updateFlags(inbox.id(), UidSet.of(uid), i % 2 == 0 ? FlagOperation.ADD : FlagOperation.REMOVE,
                    Set.of("\\Flagged"), OptionalLong.empty());
            single[i] = (System.nanoTime() - s) / 1e6;
        }
        report(label, "store x1 (ms/op)", single, -1);

        AtomicLong done = new AtomicLong();
        long s = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < STORES / THREADS * 2; i++) {
                    long uid = uids[(thread * 1000 + i) % uids.length];
                    store.mail().updateFlags(inbox.id(), UidSet.of(uid), i % 2 == 0 ? FlagOperation.ADD
                            : FlagOperation.REMOVE, Set.of("$Bench"), OptionalLong.empty());
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - s) / 1e9;
        System.out.printf("RESULT %-8s %-22s %.0f ops/s (%d ops)%n", label, "store x" + THREADS, done.get() / secs,
                done.get());
        store.mail().expunge(inbox.id(), Optional.empty());
    }

    static Long[] range(long first, long last) {
        Long[] out = new Long[(int) (last - first + 1)];
        Arrays.setAll(out, i -> first + i);
        return out;
    }

    static void time(String label, String what, int runs, Supplier<Integer> work) {
        double[] ms = new double[runs];
        int result = 0;
        work.get(); // warm-up, not counted
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            result = work.get();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        report(label, what + " (ms)", ms, result);
    }

    static void report(String label, String what, double[] ms, int result) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT %-8s %-22s min=%.1f median=%.1f max=%.1f%s%n", label, what, sorted[0],
                sorted[sorted.length / 2], sorted[sorted.length - 1], result >= 0 ? " result=" + result : "");
    }
}
