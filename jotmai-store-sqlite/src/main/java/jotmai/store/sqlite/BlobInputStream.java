package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Streams [offset, end) of a stored blob through the reader pool without holding a reader connection
 * between reads (the caller may be writing to a slow client).
 *
 * <p>Each refill reads a window of consecutive chunks in one read transaction. The window starts at one
 * chunk (a header or a small range costs one chunk) and doubles with every refill up to
 * {@link #MAX_WINDOW_CHUNKS}, so streaming a large message costs one transaction per
 * {@code MAX_WINDOW_CHUNKS * CHUNK_SIZE} octets while memory per open stream stays bounded by that.
 *
 * <p>The window keeps the chunk arrays exactly as the driver returned them (one copy out of SQLite,
 * which cannot be avoided): {@link #read(byte[], int, int)} copies from them into the caller's buffer
 * once, and {@link #transferTo} hands each chunk array to the output stream without any copy.
 */
final class BlobInputStream extends InputStream {

    /** Largest read-ahead, in chunks (8 x 16 KB = 128 KB per open stream). */
    static final int MAX_WINDOW_CHUNKS = 8;

    private final Database db;
    private final long blobId;
    private long position;
    private final long end;
    /** The current window: chunks {@code first .. first + chunks.length - 1}; empty before the first read. */
    private byte[][] chunks = new byte[0][];
    private int first;
    private int windowChunks = 1;

    BlobInputStream(Database db, long blobId, long offset, long end) {
        this.db = db;
        this.blobId = blobId;
        this.position = offset;
        this.end = end;
    }

    /**
     * Opens the stream with its first window already read on {@code c}, inside the caller's read
     * transaction (the one that looked up the size), so that opening a small message costs one
     * transaction, not two.
     */
    static BlobInputStream openWithFirstWindow(Database db, Connection c, long blobId, long offset, long end)
            throws SQLException {
        BlobInputStream in = new BlobInputStream(db, blobId, offset, end);
        if (offset < end) {
            int first = chunkOf(offset);
            byte[][] window = readChunks(c, blobId, first, in.lastOfWindow(first));
            if (window != null) {
                in.install(first, window);
            } // else: the first read() reports the missing content
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    /** Copies once, from the driver's chunk arrays into {@code b}, as much as the current window holds. */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        ensureWindow();
        int done = 0;
        while (done < len && position < end) {
            int index = chunkOf(position) - first;
            if (index >= chunks.length) {
                break; // the rest comes with the next window
            }
            byte[] chunk = chunks[index];
            int inChunk = (int) (position % BlobTable.CHUNK_SIZE);
            int n = (int) Math.min(Math.min(len - done, chunk.length - inChunk), end - position);
            if (n <= 0) {
                if (done > 0) {
                    break; // hand over what was read; the next call reports it
                }
                throw shorterThanRecorded();
            }
            System.arraycopy(chunk, inChunk, b, off + done, n);
            done += n;
            position += n;
        }
        return done;
    }

    /** Writes each chunk array of each window directly to {@code out}: no copy on this side. */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        long transferred = 0;
        while (position < end) {
            ensureWindow();
            int index = chunkOf(position) - first;
            for (; index < chunks.length && position < end; index++) {
                byte[] chunk = chunks[index];
                int inChunk = (int) (position % BlobTable.CHUNK_SIZE);
                int n = (int) Math.min(chunk.length - inChunk, end - position);
                if (n <= 0) {
                    throw shorterThanRecorded();
                }
                out.write(chunk, inChunk, n);
                position += n;
                transferred += n;
            }
        }
        return transferred;
    }

    private IOException shorterThanRecorded() {
        return new IOException("message content " + blobId + " is shorter than recorded");
    }

    private static int chunkOf(long offset) {
        return (int) (offset / BlobTable.CHUNK_SIZE);
    }

    private int lastOfWindow(int firstChunk) {
        int lastNeeded = chunkOf(end - 1);
        return Math.min(lastNeeded, firstChunk + windowChunks - 1);
    }

    private void install(int firstChunk, byte[][] window) {
        chunks = window;
        first = firstChunk;
        windowChunks = Math.min(MAX_WINDOW_CHUNKS, windowChunks * 2);
    }

    /** Makes the current window hold the chunk of {@link #position} (which is before {@link #end}). */
    private void ensureWindow() throws IOException {
        int wanted = chunkOf(position);
        if (wanted >= first && wanted < first + chunks.length) {
            return;
        }
        int last = lastOfWindow(wanted);
        byte[][] window;
        try {
            window = db.read(c -> readChunks(c, blobId, wanted, last));
        } catch (RuntimeException e) {
            throw new IOException("cannot read message content", e);
        }
        if (window == null) {
            throw new IOException("message content " + blobId + " is gone");
        }
        install(wanted, window);
    }

    /**
     * Chunks [first, last] of a blob as the driver returns them (fewer when the blob ends before
     * {@code last}); null when they are not there, or not in order without gaps.
     */
    static byte[][] readChunks(Connection c, long blobId, int first, int last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, data FROM blob_chunk WHERE blob_id = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setLong(1, blobId);
            ps.setInt(2, first);
            ps.setInt(3, last);
            try (ResultSet rs = ps.executeQuery()) {
                byte[][] out = new byte[last - first + 1][];
                int count = 0;
                while (rs.next()) {
                    byte[] data = rs.getBytes(2);
                    if (rs.getInt(1) != first + count || data == null) {
                        return null;
                    }
                    out[count++] = data;
                    if (data.length < BlobTable.CHUNK_SIZE) {
                        break; // the last chunk of the blob
                    }
                }
                if (count == 0) {
                    return null;
                }
                return count == out.length ? out : Arrays.copyOf(out, count);
            }
        }
    }

    /** Chunks [first, last] of a blob in one array (the driver's own when it is one chunk); null when missing. */
    static byte[] readWindow(Connection c, long blobId, int first, int last) throws SQLException {
        byte[][] window = readChunks(c, blobId, first, last);
        if (window == null) {
            return null;
        }
        if (window.length == 1) {
            return window[0];
        }
        int length = 0;
        for (byte[] chunk : window) {
            length += chunk.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] chunk : window) {
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        return out;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        if (position >= end) {
            return 0;
        }
        int index = chunkOf(position) - first;
        if (index < 0 || index >= chunks.length) {
            return 0;
        }
        long buffered = 0;
        for (int i = index; i < chunks.length; i++) {
            buffered += chunks[i].length;
        }
        buffered -= position % BlobTable.CHUNK_SIZE;
        return (int) Math.max(0, Math.min(buffered, end - position));
    }
}
