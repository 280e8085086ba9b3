package jotmai.shared.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.MessageSource;

/**
 * Streams a message being received (SMTP DATA/BDAT, IMAP APPEND literal) to a temporary file under one
 * directory, with a size cap, so that no message is ever held in a {@code byte[]} (style guide
 * principle 7). The result is a {@link MessageSource} the store appends from (it may move the file).
 *
 * <p>Durability is the store's job: the staged file is not fsynced here, because the store copies or
 * renames it and must force its own result before acknowledging.
 */
public final class Staging {
    private static final Logger log = LoggerFactory.getLogger(Staging.class);

    /** What to do when the cap is exceeded. */
    public enum Overflow {
        /** Throw at once; the caller stops reading (IMAP literal refused, or disconnect). */
        FAIL_FAST,
        /**
         * Keep reading the input to its end, discarding it, then throw: SMTP must consume DATA up to the
         * final dot before it can answer 552 (RFC 5321 §4.5.3.1.10). Bounded by {@link #MAX_DRAIN_BYTES}.
         */
        DRAIN
    }

    /** Even a drained oversized message stops here; the caller should then drop the connection. */
    public static final long MAX_DRAIN_BYTES = 1L << 30;

    static final String PREFIX = "stage-";
    private static final int COPY_BUFFER = 64 * 1024;

    private final Path directory;

    /** Creates the directory if needed (owner-only where the file system supports it). */
    public Staging(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    /** Opens a new staged file to write into. Close the result (or the {@link StagedMessage}) when done. */
    public Writer open(long maxBytes, Overflow overflow) throws IOException {
        Path file = Files.createTempFile(directory, PREFIX, ".eml", ownerOnly());
        return new Writer(file, maxBytes, overflow);
    }

    /**
     * Copies {@code in} to its end into a staged file. On {@link MessageTooLargeException} the file is
     * already deleted.
     */
    public StagedMessage stage(InputStream in, long maxBytes, Overflow overflow) throws IOException {
        try (Writer w = open(maxBytes, overflow)) {
            byte[] buffer = new byte[COPY_BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                w.write(buffer, 0, n);
            }
            return w.finish();
        }
    }

    /**
     * Deletes staged files left by a crash (older than {@code minAge}, so running sessions of another
     * process sharing the directory are not hurt). Returns how many were removed.
     */
    public int deleteLeftovers(Duration minAge) {
        Instant cutoff = Instant.now().minus(minAge);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*")) {
            for (Path f : files) {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) {
                        removed++;
                    }
                } catch (IOException e) {
                    log.warn("staging: cannot remove leftover {}: {}", f, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("staging: cannot list {}: {}", directory, e.toString());
        }
        return removed;
    }

    private static FileAttribute<?>[] ownerOnly() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    /**
     * A staged file being written. {@link #write} counts bytes against the cap; {@link #finish} returns
     * the message; {@link #close} without finish deletes the file.
     */
    public static final class Writer extends OutputStream {
        private final Path file;
        private final long maxBytes;
        private final Overflow overflow;
        private final OutputStream out;
        private long count;
        private boolean finished;
        private boolean closed;

        private Writer(Path file, long maxBytes, Overflow overflow) throws IOException {
            this.file = file;
            this.maxBytes = maxBytes;
            this.overflow = overflow;
            this.out = Files.newOutputStream(file);
        }

        /** Bytes received so far, including any drained past the cap. */
        public long count() {
            return count;
        }

        public boolean tooLarge() {
            return count > maxBytes;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (finished || closed) {
                throw new IOException("staged file already finished");
            }
            long before = count;
            count += len;
            if (count <= maxBytes) {
                out.write(b, off, len);
                return;
            }
            if (before <= maxBytes) {
                // Crossing the cap: stop storing; what is on disk is useless now.
                out.close();
                Files.deleteIfExists(file);
            }
            if (overflow == Overflow.FAIL_FAST || count > maxBytes + MAX_DRAIN_BYTES) {
                closed = true;
                throw new MessageTooLargeException(maxBytes, count, false);
            }
        }

        /**
         * Ends the message: returns it, or throws {@link MessageTooLargeException} (drained) when it went
         * over the cap.
         */
        public StagedMessage finish() throws IOException {
            if (tooLarge()) {
                close();
                throw new MessageTooLargeException(maxBytes, count, true);
            }
            out.close();
            finished = true;
            return new StagedMessage(file, count);
        }

        /** Discards the staged file unless {@link #finish} handed it over. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            out.close();
            if (!finished) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A complete staged message; closing it deletes the file if the store did not take it. */
    public static final class StagedMessage implements MessageSource, AutoCloseable {
        private final Path file;
        private final long size;

        StagedMessage(Path file, long size) {
            this.file = file;
            this.size = size;
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public Optional<Path> file() {
            return Optional.of(file);
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(file);
        }
    }
}
