package jotmai.store.sqlite.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import jotmai.message.ParsedMessage;
import jotmai.store.Account;
import jotmai.store.BlobRef;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.sqlite.SqliteStore;

/**
 * Store benchmark (issue 2, "Benchmark"; not a test). Run with bench/store/run.sh. Prints one line
 * per measurement in Markdown table form for docs/BENCHMARKS.md.
 *
 * <p>Durable appends: 4 KB messages, 1 and 16 virtual threads, one mailbox and 100 mailboxes (round
 * robin). Optional third argument: the cases to run, e.g. "16x100,16x1". Every append has returned, so it is committed with synchronous=FULL (WAL fsynced).
 * The "files" rows estimate the alternative layout (bytes as one file per message, written to a
 * temporary file, fsynced, renamed and the directory fsynced in the caller's thread, metadata in
 * SQLite) by doing exactly that file work plus a metadata-sized (200-octet) append.
 *
 * <p>Fetch: header of a 10 MB message (structure lookup + header bytes) against the same for a 4 KB
 * message, and one 4 KB byte range from the middle of the 10 MB message.
 */
public final class StoreBenchmark {

    static final int MESSAGE_SIZE = 4096;
    static final int MAILBOXES = 100;
    static final int LARGE_SIZE = 10 * 1024 * 1024;
    static final int FETCH_ITERATIONS = 2000;
    static final long WARM_UP_NANOS = 8_000_000_000L;
    static final int STREAM_ROUNDS = 9;

    private final SqliteStore store;
    private final Path workDir;
    private final List<Mailbox> boxes = new ArrayList<>();
    private final AtomicLong fileCounter = new AtomicLong();

    private StoreBenchmark(Path workDir) {
        this.workDir = workDir;
        this.store = SqliteStore.open(workDir.resolve("data"));
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int appends = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
        Files.createDirectories(base);
        Path work = Files.createTempDirectory(base, "jotmai-store-bench");
        StoreBenchmark b = new StoreBenchmark(work);
        try {
            b.setUp();
            System.out.printf("# %s, %d CPUs, load average at start %s%n", Instant.now(),
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            System.out.println("| measurement | threads | mailboxes | operations | result |");
            System.out.println("|---|---|---|---|---|");
            b.warmUp();
            String cases = args.length > 2 ? args[2] : "parse,1x1,16x1,1x100,16x100,files1x1,files16x1,fetch";
            for (String c : cases.split(",")) {
                switch (c) {
                    case "1x1" -> b.appends("durable appends, 4 KB, SQLite blobs", 1, 1, appends / 4, false);
                    case "16x1" -> b.appends("durable appends, 4 KB, SQLite blobs", 16, 1, appends, false);
                    case "1x100" -> b.appends("durable appends, 4 KB, SQLite blobs", 1, MAILBOXES, appends / 4, false);
                    case "16x100" -> b.appends("durable appends, 4 KB, SQLite blobs", 16, MAILBOXES, appends, false);
                    case "files1x1" -> b.appends("durable appends, 4 KB, files (estimate)", 1, 1, appends / 4, true);
                    case "files16x1" -> b.appends("durable appends, 4 KB, files (estimate)", 16, 1, appends, true);
                    case "fetch" -> b.fetches();
                    case "parse" -> parseCost();
                    default -> throw new IllegalArgumentException("unknown case " + c);
                }
            }
            System.out.printf("# load average at end %s%n", loadAverage());
        } finally {
            b.store.close();
            deleteTree(work);
        }
    }

    private void setUp() {
        store.accounts().addDomain("bench.example");
        Account account = store.accounts().createAccount("bench@bench.example", "{PLAIN}x", 0);
        boxes.add(store.mail().mailbox(account.id(), "INBOX").orElseThrow());
        for (int i = 1; i < MAILBOXES; i++) {
            boxes.add(store.mail().createMailbox(account.id(), String.format("Box%03d", i), java.util.Optional.empty()));
        }
    }

    /** JIT warm-up: parser, codec and SQL paths, so the first measured case is not penalised. */
    private void warmUp() throws Exception {
        byte[] body = message(MESSAGE_SIZE, "warm");
        long end = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < end) {
            runAppends(500, 16, MAILBOXES, body, body, false);
        }
    }

    static byte[] message(int size, String subject) {
        StringBuilder sb = new StringBuilder("From: bench@bench.example\r\nTo: bench@bench.example\r\nSubject: ")
                .append(subject).append("\r\nMessage-ID: <").append(subject).append("@bench.example>\r\n\r\n");
        while (sb.length() < size - 80) {
            sb.append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }
        while (sb.length() < size - 2) {
            sb.append('x');
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void appends(String what, int threads, int mailboxes, int total, boolean files) throws Exception {
        byte[] body = message(MESSAGE_SIZE, "bench");
        byte[] meta = message(200, "meta");
        runAppends(Math.min(200, total), threads, mailboxes, body, meta, files); // warm-up
        long[] latencies = new long[total];
        long start = System.nanoTime();
        runAppendsTimed(total, threads, mailboxes, body, meta, files, latencies);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        System.out.printf("| %s | %d | %d | %d | **%.0f appends/s** (p50 %.1f ms, p99 %.1f ms) |%n", what, threads,
                mailboxes, total, total / seconds, latencies[total / 2] / 1e6, latencies[(int) (total * 0.99)] / 1e6);
    }

    private void runAppends(int total, int threads, int mailboxes, byte[] body, byte[] meta, boolean files)
            throws Exception {
        runAppendsTimed(total, threads, mailboxes, body, meta, files, new long[total]);
    }

    private void runAppendsTimed(int total, int threads, int mailboxes, byte[] body, byte[] meta, boolean files,
                                 long[] latencies) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long i;
                    while ((i = next.getAndIncrement()) < total) {
                        Mailbox box = boxes.get((int) (i % mailboxes));
                        long t0 = System.nanoTime();
                        if (files) {
                            writeBlobFile(body);
                            store.mail().append(box.id(), MessageSource.ofBytes(meta), Set.of(), Instant.now());
                        } else {
                            store.mail().append(box.id(), MessageSource.ofBytes(body), Set.of(), Instant.now());
                        }
                        latencies[(int) i] = System.nanoTime() - t0;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    /** CPU per append spent outside the writer: parse once + encode the structure of a 4 KB message. */
    private static void parseCost() throws IOException {
        byte[] body = message(MESSAGE_SIZE, "parse");
        int n = 20_000;
        long t0 = 0;
        for (int i = 0; i < 2 * n; i++) {
            if (i == n) {
                t0 = System.nanoTime(); // first half warms up
            }
            jotmai.message.StructureCodec.encode(jotmai.message.MessageParser.parse(new java.io.ByteArrayInputStream(body)));
        }
        System.out.printf("| parse + encode structure, 4 KB message (caller thread CPU) | 1 | - | %d | %.0f µs |%n", n,
                (System.nanoTime() - t0) / 1e3 / n);
    }

    /** The file layout's durable write: temp file, fsync, rename, fsync of the directory. */
    private void writeBlobFile(byte[] bytes) throws IOException {
        Path dir = workDir.resolve("blobs");
        Files.createDirectories(dir);
        long n = fileCounter.incrementAndGet();
        Path tmp = dir.resolve("tmp-" + n);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve("blob-" + n), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private void fetches() throws IOException {
        Mailbox inbox = boxes.getFirst();
        BlobRef small = store.mail().append(inbox.id(), MessageSource.ofBytes(message(MESSAGE_SIZE, "small")),
                Set.of(), Instant.now()).meta().blob();
        byte[] largeBytes = message(LARGE_SIZE, "large");
        long t0 = System.nanoTime();
        BlobRef large = store.mail().append(inbox.id(), MessageSource.ofBytes(largeBytes), Set.of(), Instant.now())
                .meta().blob();
        System.out.printf("| append of one 10 MB message | 1 | 1 | 1 | %.0f ms |%n", (System.nanoTime() - t0) / 1e6);
        for (int round = 0; round < 2; round++) { // first round warms up
            // interleaved, so that load changes on a shared machine hit both sizes alike; medians, so
            // that a scheduling hiccup in one iteration does not dominate
            long[] smallNanos = new long[FETCH_ITERATIONS];
            long[] largeNanos = new long[FETCH_ITERATIONS];
            long[] rangeNanos = new long[FETCH_ITERATIONS];
            for (int i = 0; i < FETCH_ITERATIONS; i++) {
                long a = System.nanoTime();
                fetchHeader(small);
                long b = System.nanoTime();
                fetchHeader(large);
                long c = System.nanoTime();
                fetchRange(large, LARGE_SIZE / 2, 4096);
                long d = System.nanoTime();
                smallNanos[i] = b - a;
                largeNanos[i] = c - b;
                rangeNanos[i] = d - c;
            }
            if (round == 1) {
                System.out.printf("| header fetch (structure + header bytes), 4 KB message | 1 | 1 | %d | p50 %s |%n",
                        FETCH_ITERATIONS, micros(smallNanos));
                System.out.printf("| header fetch (structure + header bytes), 10 MB message | 1 | 1 | %d | p50 %s |%n",
                        FETCH_ITERATIONS, micros(largeNanos));
                System.out.printf("| 4 KB byte range at 5 MB of a 10 MB message | 1 | 1 | %d | p50 %s |%n",
                        FETCH_ITERATIONS, micros(rangeNanos));
            }
        }
        long[] streamNanos = new long[STREAM_ROUNDS];
        long n = 0;
        for (int i = 0; i < STREAM_ROUNDS; i++) {
            long r0 = System.nanoTime();
            try (InputStream in = store.mail().openContent(large)) {
                n = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            streamNanos[i] = System.nanoTime() - r0;
        }
        Arrays.sort(streamNanos);
        double ms = streamNanos[STREAM_ROUNDS / 2] / 1e6;
        System.out.printf("| whole 10 MB message streamed (median of %d) | 1 | 1 | %d | %.0f ms (%.0f MB/s) |%n",
                STREAM_ROUNDS, STREAM_ROUNDS, ms, n / 1e3 / ms);
    }

    /** Median and p90 of the samples in microseconds. */
    private static String micros(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%.0f µs (p90 %.0f µs)", sorted[sorted.length / 2] / 1e3,
                sorted[sorted.length * 9 / 10] / 1e3);
    }

    private void fetchHeader(BlobRef blob) throws IOException {
        ParsedMessage parsed = store.mail().structure(blob);
        try (InputStream in = store.mail().openContent(blob, 0, parsed.body().bodyOffset())) {
            if (in.readAllBytes().length == 0) {
                throw new IllegalStateException("no header read");
            }
        }
    }

    private void fetchRange(BlobRef blob, long offset, int length) throws IOException {
        try (InputStream in = store.mail().openContent(blob, offset, length)) {
            if (in.readAllBytes().length != length) {
                throw new IllegalStateException("short range");
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
