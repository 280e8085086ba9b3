package jotmai.smtp;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import jotmai.store.MessageSource;

/**
 * A message being received. Small messages stay in a bounded memory buffer (at most
 * {@link #MEMORY_LIMIT} octets per session); larger ones spill to a temporary file, so memory never
 * grows with the message. The content starts with the Return-Path line, then the Received line, then
 * the client's content. Local delivery gets all of it; the outbound queue gets it without Return-Path,
 * which only the final delivery adds (RFC 5321 §4.4). Closing deletes the file if the store did not
 * take it.
 *
 * <p>On the MX listener the client's header may be amended after the data is in ({@link #amend}): a
 * field prepended after Return-Path (Authentication-Results, RFC 8601 §5) and ranges of the client's
 * content left out (forged Authentication-Results). The staged bytes are not rewritten; the sources
 * handed to the store stitch the pieces together while streaming.
 */
final class StagedMessage implements AutoCloseable {

    /** Messages up to this size (trace fields included) are never written to a staging file. */
    static final int MEMORY_LIMIT = 64 * 1024;

    private final Path directory;
    private final int returnPathLength;
    private final int traceLength;
    private byte[] addedField = new byte[0];
    private List<long[]> dropped = List.of();
    private byte[] memory = new byte[8 * 1024];
    private int memoryLength;
    private Path file;
    private OutputStream fileOut;
    private long contentLength;
    private boolean finished;
    private IOException stagingError;

    StagedMessage(Path directory, String returnPath, String received) throws IOException {
        this.directory = directory;
        byte[] rp = returnPath.getBytes(StandardCharsets.UTF_8);
        byte[] rc = received.getBytes(StandardCharsets.UTF_8);
        append(rp, 0, rp.length);
        append(rc, 0, rc.length);
        this.returnPathLength = rp.length;
        this.traceLength = rp.length + rc.length;
    }

    private void append(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && memoryLength + len <= MEMORY_LIMIT) {
            if (memoryLength + len > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(MEMORY_LIMIT, Math.max(memory.length * 2, memoryLength + len)));
            }
            System.arraycopy(b, off, memory, memoryLength, len);
            memoryLength += len;
            return;
        }
        if (fileOut == null) {
            file = Files.createTempFile(directory, "smtp-", ".eml");
            fileOut = new BufferedOutputStream(Files.newOutputStream(file), 16 * 1024);
            fileOut.write(memory, 0, memoryLength);
            memory = null;
        }
        fileOut.write(b, off, len);
    }

    /** Where the client's content goes; counts what is written. */
    OutputStream content() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                contentLength += len;
                if (stagingError != null) {
                    return;
                }
                try {
                    append(b, off, len);
                } catch (IOException e) {
                    // disk full or gone: keep reading the client's data so the session stays in step,
                    // and answer 451 at the end instead of dropping the connection
                    stagingError = e;
                }
            }
        };
    }

    /** The staging write failure, if one happened; the message must then not be delivered. */
    Optional<IOException> stagingError() {
        return Optional.ofNullable(stagingError);
    }

    long contentLength() {
        return contentLength;
    }

    void finish() throws IOException {
        if (!finished) {
            finished = true;
            if (fileOut != null) {
                fileOut.close();
            }
        }
    }

    /** The client's content alone (no trace fields), to check it before delivery. */
    MessageSource clientContent() {
        return slice(traceLength);
    }

    /**
     * Puts {@code field} (a complete header field with CRLF, or "") after Return-Path and leaves out the
     * given octet ranges [start, end) of the client's content (ascending, not overlapping).
     */
    void amend(String field, List<long[]> drop) {
        addedField = field.getBytes(StandardCharsets.ISO_8859_1);
        dropped = List.copyOf(drop);
    }

    private boolean amended() {
        return addedField.length > 0 || !dropped.isEmpty();
    }

    /** Return-Path + Received + content, for mailboxes. */
    MessageSource forMailbox() {
        if (amended()) {
            return stitched(true);
        }
        return file != null ? MessageSource.ofFile(file) : slice(0);
    }

    /** Received + content, for the outbound queue. */
    MessageSource forQueue() {
        return amended() ? stitched(false) : slice(returnPathLength);
    }

    /** [Return-Path] + added field + Received + client content without the dropped ranges. */
    private MessageSource stitched(boolean withReturnPath) {
        long total;
        try {
            total = file != null ? Files.size(file) : memoryLength;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<long[]> ranges = new ArrayList<>();
        if (withReturnPath) {
            ranges.add(new long[] {0, returnPathLength});
        }
        ranges.add(null); // the added field goes here
        long pos = returnPathLength;
        for (long[] d : dropped) {
            ranges.add(new long[] {pos, traceLength + d[0]});
            pos = traceLength + d[1];
        }
        ranges.add(new long[] {pos, total});
        long size = addedField.length;
        for (long[] r : ranges) {
            size += r == null ? 0 : r[1] - r[0];
        }
        byte[] added = addedField;
        MessageSource whole = slice(0);
        long finalSize = size;
        return new MessageSource() {
            @Override
            public InputStream open() throws IOException {
                List<InputStream> parts = new ArrayList<>();
                for (long[] r : ranges) {
                    if (r == null) {
                        parts.add(new ByteArrayInputStream(added));
                    } else if (r[1] > r[0]) {
                        InputStream in = whole.open();
                        in.skipNBytes(r[0]);
                        parts.add(new BoundedInputStream(in, r[1] - r[0]));
                    }
                }
                return new SequenceInputStream(Collections.enumeration(parts));
            }

            @Override
            public long size() {
                return finalSize;
            }
        };
    }

    /** Reads at most {@code remaining} octets of {@code in}; closing closes {@code in}. */
    private static final class BoundedInputStream extends FilterInputStream {
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }

    private MessageSource slice(int skip) {
        long size;
        try {
            size = (file != null ? Files.size(file) : memoryLength) - skip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = memory;
        Path path = file;
        return new MessageSource() {
            @Override
            public InputStream open() throws IOException {
                if (path == null) {
                    return new ByteArrayInputStream(bytes, skip, (int) size);
                }
                InputStream in = Files.newInputStream(path);
                in.skipNBytes(skip);
                return in;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public Optional<Path> file() {
                return Optional.empty();
            }
        };
    }

    @Override
    public void close() {
        try {
            finish();
        } catch (IOException ignored) {
            // the file is deleted next anyway
        }
        memory = null;
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is not worth failing the session for
            }
        }
    }
}
