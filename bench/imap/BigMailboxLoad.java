import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jotmai.shared.auth.Passwords;
import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.sqlite.SqliteStore;

/**
 * Loads a Maildir into a Jotmai SQLite store through the store API (MailStore.append: parse once,
 * durable group commit, the same path IMAP APPEND takes after reading the literal; faster to run than
 * 100,000 APPENDs over a socket), then waits until the background search indexer has caught up.
 *   java -cp CP bench/imap/BigMailboxLoad.java DATA_DIR MAILDIR ADDRESS [THREADS]
 * Creates example.test with testuser and user1..user200 (password "pass") as DevServer does, so that
 * jotmai.imap.DevServer can serve DATA_DIR afterwards. LF line ends become CRLF (as APPEND would send
 * them); ":2,S" in the file name becomes \Seen; the file's mtime the INTERNALDATE.
 */
public class BigMailboxLoad {
    public static void main(String[] args) throws Exception {
        Path data = Files.createDirectories(Path.of(args[0]));
        Path cur = Path.of(args[1]).resolve("cur");
        String address = args[2];
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        try (Store store = SqliteStore.open(data)) {
            if (!store.accounts().isHostedDomain("example.test")) {
                store.accounts().addDomain("example.test");
                String hash = Passwords.hash("pass");
                store.accounts().createAccount("testuser@example.test", hash, 0);
                for (int i = 1; i <= 200; i++) {
                    store.accounts().createAccount("user" + i + "@example.test", hash, 0);
                }
            }
            Account account = store.accounts().account(address).orElseThrow();
            Mailbox inbox = store.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow();
            List<Path> files;
            try (Stream<Path> s = Files.list(cur)) {
                files = s.sorted().toList();
            }
            long t0 = System.nanoTime();
            AtomicLong bytes = new AtomicLong();
            Semaphore inFlight = new Semaphore(threads * 4);
            try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                for (Path f : files) {
                    inFlight.acquire();
                    pool.submit(() -> {
                        try {
                            byte[] raw = crlf(Files.readAllBytes(f));
                            bytes.addAndGet(raw.length);
                            String name = f.getFileName().toString();
                            boolean seen = name.contains(":2,") && name.substring(name.indexOf(":2,")).contains("S");
                            Instant date = Files.getLastModifiedTime(f).toInstant();
                            store.mail().append(inbox.id(), MessageSource.ofBytes(raw),
                                    seen ? Set.of("\\Seen") : Set.of(), date);
                        } catch (Exception e) {
                            e.printStackTrace();
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    });
                }
                pool.shutdown();
                pool.awaitTermination(1, TimeUnit.HOURS);
            }
            double loadS = (System.nanoTime() - t0) / 1e9;
            System.out.printf("SUMMARY load messages=%d bytes=%d seconds=%.1f msg_per_s=%.0f%n", files.size(),
                    bytes.get(), loadS, files.size() / loadS);
            long waitStart = System.nanoTime();
            for (int i = 0; i < 7200; i++) {
                TextMatches m = store.mail().searchText(inbox.id(), TextField.ALL, "zzz-never-there").orElseThrow();
                if (m.unverified().isEmpty()) {
                    break;
                }
                if (i % 30 == 0) {
                    System.out.printf("index: %d messages still to index%n", m.unverified().count());
                }
                Thread.sleep(1000);
            }
            System.out.printf("SUMMARY index caught up %.1f s after the load (%.1f s from the start)%n",
                    (System.nanoTime() - waitStart) / 1e9, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Maildir files end lines with LF; IMAP and SMTP carry CRLF. */
    static byte[] crlf(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 40);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }
}
