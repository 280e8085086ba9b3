package jotmai.store.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest side of {@link RingReceiver}: a second process on a data directory (the admin CLI while the
 * server runs) hands its change-bus rings to the owner as small files, so that the owner's IDLE sessions
 * hear of mail the CLI imported, moved or expunged at once instead of at their next command.
 *
 * <p>Rings are coalesced for {@link #FLUSH_DELAY_MS} into one file. They are doorbells only (see
 * {@link jotmai.store.ChangeBus}): when the owner is gone or far behind we drop them rather than pile up
 * files, and sessions still catch up at their next pull.
 */
final class RingSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RingSender.class);

    static final long FLUSH_DELAY_MS = 100;
    /** Beyond this many unread files the owner is not reading (not running): stop writing. */
    static final int MAX_UNREAD_FILES = 1_000;
    /** Distinct ids held between flushes; more are dropped (a bulk import rings few mailboxes). */
    static final int MAX_PENDING = 100_000;

    private final Path directory;
    private final String prefix = ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final AtomicLong sequence = new AtomicLong();
    private final Set<Long> pending = new LinkedHashSet<>();
    private boolean flushScheduled;
    private boolean closed;

    RingSender(Path directory) {
        this.directory = directory;
    }

    void ring(long id) {
        synchronized (this) {
            if (closed || pending.size() >= MAX_PENDING) {
                return;
            }
            pending.add(id);
            if (flushScheduled) {
                return;
            }
            flushScheduled = true;
        }
        Thread.ofVirtual().name("jotmai-ring-sender").start(() -> {
            try {
                Thread.sleep(FLUSH_DELAY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            flush();
        });
    }

    private void flush() {
        Set<Long> ids;
        synchronized (this) {
            flushScheduled = false;
            if (pending.isEmpty()) {
                return;
            }
            ids = Set.copyOf(pending);
            pending.clear();
        }
        try {
            Files.createDirectories(directory);
            try (var files = Files.list(directory)) {
                if (files.limit(MAX_UNREAD_FILES + 1L).count() > MAX_UNREAD_FILES) {
                    return;
                }
            }
            String name = prefix + "-" + sequence.incrementAndGet();
            Path temp = directory.resolve("." + name + ".tmp");
            Files.writeString(temp, ids.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n")),
                    StandardCharsets.US_ASCII);
            // the owner only reads complete *.ring files: a rename is atomic within the directory
            Files.move(temp, directory.resolve(name + RingReceiver.SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.debug("cannot hand {} rings to the owning process: {}", ids.size(), e.toString());
        }
    }

    /** Hands over what is pending now: a CLI command exits right after its last write. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        flush();
    }
}
