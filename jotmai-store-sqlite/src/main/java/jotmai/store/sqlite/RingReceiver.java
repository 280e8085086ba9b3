package jotmai.store.sqlite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner side of cross-process rings: the process holding the data directory's {@link RunMarker}
 * (the server) watches the rings directory and rings its own bus with the ids other processes (the
 * admin CLI) wrote there through {@link RingSender}. An embedded store has no LISTEN/NOTIFY; a directory
 * watch (inotify on Linux) costs nothing while nobody writes, and a periodic rescan covers an
 * overflowed or unsupported watch.
 */
final class RingReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RingReceiver.class);

    static final String DIRECTORY = "rings";
    static final String SUFFIX = ".ring";
    static final long RESCAN_MS = 1_000;

    private final Path directory;
    private final LongConsumer ring;
    private final WatchService watch;
    private final Thread thread;

    RingReceiver(Path directory, LongConsumer ring) throws IOException {
        this.directory = directory;
        this.ring = ring;
        Files.createDirectories(directory);
        // rings left from before this start wake nobody: every session is new
        drain(false);
        this.watch = directory.getFileSystem().newWatchService();
        directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE); // a rename into the directory (IN_MOVED_TO) is reported as a create
        this.thread = Thread.ofPlatform().daemon().name("jotmai-ring-receiver").start(this::run);
    }

    private void run() {
        try {
            while (true) {
                var key = watch.poll(RESCAN_MS, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                drain(true);
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closing
        }
    }

    private void drain(boolean deliver) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                if (deliver) {
                    deliver(file);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.warn("cannot read rings from {}: {}", directory, e.toString());
        }
    }

    private void deliver(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            try {
                ring.accept(Long.parseLong(line.strip()));
            } catch (NumberFormatException e) {
                // not ours or truncated: a doorbell less, sessions catch up at their next pull
            }
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            log.debug("closing the ring watch: {}", e.toString());
        }
        thread.interrupt();
    }
}
