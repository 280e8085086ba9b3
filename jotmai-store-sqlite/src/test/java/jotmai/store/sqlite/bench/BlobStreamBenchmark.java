package jotmai.store.sqlite.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.store.BlobRef;
import jotmai.store.FlagOperation;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.UidSet;
import jotmai.store.sqlite.SqliteStore;

/**
 * CPU per streamed large message (not a test): opens an existing data directory (use a COPY of the POP3
 * bench store, e.g. /tmp/jotmai-pop3-bench-data copied elsewhere), picks its messages larger than
 * {@code minSize}, and reads each whole through {@link MailStore#openContent} in the calling thread, in
 * two ways the protocol modules do: {@code readNBytes} into a 64 KB buffer (POP3 RETR, IMAP FETCH) and
 * {@code transferTo}. Prints the median over rounds of this thread's CPU time per message (the store
 * reads on the caller's thread, so this is the whole read cost, and other load on the machine changes
 * it much less than wall time). Modes alternate within each round.
 *
 * <p>With WRITE_EVERY_MS &gt; 0 a thread changes a flag in another mailbox that often while the reads
 * run (other sessions' writes; they make SQLite drop a memory-mapped reader's mapping).
 *
 * <pre>java -cp ... jotmai.store.sqlite.bench.BlobStreamBenchmark DATA_DIR [ROUNDS] [MESSAGES] [MIN_SIZE] [WRITE_EVERY_MS]</pre>
 */
public final class BlobStreamBenchmark {

    private static final int BUFFER = 64 * 1024;
    private static final int WARM_UP_PASSES = 3;
    /** An account of the POP3 bench store whose INBOX takes the writes (5 KB messages, not read here). */
    private static final String WRITER_ACCOUNT = "user171@example.test";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int messages = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        long minSize = args.length > 3 ? Long.parseLong(args[3]) : 512 * 1024;
        long writeEveryMs = args.length > 4 ? Long.parseLong(args[4]) : 0;
        List<BlobRef> blobs = largeBlobs(dir, minSize, messages);
        if (blobs.isEmpty()) {
            throw new IllegalStateException("no message larger than " + minSize + " in " + dir);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (SqliteStore store = SqliteStore.open(dir, SqliteStore.Options.DEFAULTS.withIndexDelay(Duration.ofDays(1)))) {
            MailStore mail = store.mail();
            Thread writer = writeEveryMs > 0 ? startWriter(store, writeEveryMs) : null;
            for (int i = 0; i < WARM_UP_PASSES; i++) { // page cache and JIT
                pass(mail, blobs, false);
                pass(mail, blobs, true);
            }
            long[] viaRead = new long[rounds];
            long[] viaTransfer = new long[rounds];
            long octets = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = threads.getCurrentThreadCpuTime();
                octets = pass(mail, blobs, r % 2 == 1);
                long t1 = threads.getCurrentThreadCpuTime();
                pass(mail, blobs, r % 2 == 0);
                long t2 = threads.getCurrentThreadCpuTime();
                (r % 2 == 1 ? viaTransfer : viaRead)[r] = t1 - t0;
                (r % 2 == 1 ? viaRead : viaTransfer)[r] = t2 - t1;
            }
            if (writer != null) {
                writer.interrupt();
                writer.join();
            }
            double avg = (double) octets / blobs.size();
            System.out.printf("BLOBSTREAM messages=%d avg_octets=%.0f rounds=%d readNBytes64k_us_per_msg=%.0f"
                            + " transferTo_us_per_msg=%.0f (min %.0f / %.0f) write_every_ms=%d load=%s%n",
                    blobs.size(), avg, rounds, median(viaRead) / 1e3 / blobs.size(),
                    median(viaTransfer) / 1e3 / blobs.size(), min(viaRead) / 1e3 / blobs.size(),
                    min(viaTransfer) / 1e3 / blobs.size(), writeEveryMs,
                    java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        }
    }

    /**
     * Other sessions' writes while messages stream (a flag change every {@code everyMs}): each commit
     * changes the database, which makes SQLite drop a memory-mapped connection's mapping at its next
     * read transaction.
     */
    private static Thread startWriter(SqliteStore store, long everyMs) {
        long inbox = store.mail().mailbox(store.accounts().account(WRITER_ACCOUNT).orElseThrow().id(), Mailbox.INBOX)
                .orElseThrow().id();
        return Thread.ofPlatform().daemon().start(() -> {
            boolean add = true;
            while (!Thread.currentThread().isInterrupted()) {
                store.mail().updateFlags(inbox, UidSet.of(1), add ? FlagOperation.ADD : FlagOperation.REMOVE,
                        Set.of("$BenchWrite"), OptionalLong.empty());
                add = !add;
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static long pass(MailStore mail, List<BlobRef> blobs, boolean transfer) throws Exception {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        for (BlobRef blob : blobs) {
            try (InputStream in = mail.openContent(blob)) {
                if (transfer) {
                    total += in.transferTo(OutputStream.nullOutputStream());
                } else {
                    int n;
                    while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                        total += n;
                    }
                }
            }
        }
        return total;
    }

    private static List<BlobRef> largeBlobs(Path dir, long minSize, int limit) throws Exception {
        List<BlobRef> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.DATABASE_FILE));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM blob WHERE size > " + minSize + " ORDER BY id LIMIT " + limit)) {
            while (rs.next()) {
                out.add(new BlobRef(Long.toString(rs.getLong(1))));
            }
        }
        return out;
    }

    private static double min(long[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
