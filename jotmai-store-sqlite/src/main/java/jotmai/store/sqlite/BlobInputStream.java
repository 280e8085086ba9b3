package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * Streams [offset, end) of a stored blob through the reader pool without holding a reader connection
 * between reads (the caller may be writing to a slow client).
 *
 * <p>Each refill reads a window of consecutive chunks in one read transaction. The window starts at one
 * chunk (a header or a small range costs one chunk) and doubles with every refill up to
 * {@link #MAX_WINDOW_CHUNKS}, so streaming a large message costs one transaction per
 * {@code MAX_WINDOW_CHUNKS * CHUNK_SIZE} octets while memory per open stream stays bounded by that.
 */
final class BlobInputStream extends InputStream {

    /** Largest read-ahead, in chunks (8 x 16 KB = 128 KB per open stream). */
    static final int MAX_WINDOW_CHUNKS = 8;

    private final Database db;
    private final long blobId;
    private long position;
    private final long end;
    private byte[] buffer = new byte[0];
    private long bufferStart;
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
            int first = (int) (offset / BlobTable.CHUNK_SIZE);
            byte[] window = readWindow(c, blobId, first, in.lastOfWindow(first));
            if (window != null) {
                in.buffer = window;
                in.bufferStart = (long) first * BlobTable.CHUNK_SIZE;
                in.windowChunks = Math.min(MAX_WINDOW_CHUNKS, in.windowChunks * 2);
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

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        if (position < bufferStart || position >= bufferStart + buffer.length) {
            refill();
        }
        int inBuffer = (int) (position - bufferStart);
        int n = (int) Math.min(Math.min(len, buffer.length - inBuffer), end - position);
        if (n <= 0) {
            throw new IOException("message content " + blobId + " is shorter than recorded");
        }
        System.arraycopy(buffer, inBuffer, b, off, n);
        position += n;
        return n;
    }

    private int lastOfWindow(int first) {
        int lastNeeded = (int) ((end - 1) / BlobTable.CHUNK_SIZE);
        return Math.min(lastNeeded, first + windowChunks - 1);
    }

    private void refill() throws IOException {
        int first = (int) (position / BlobTable.CHUNK_SIZE);
        int last = lastOfWindow(first);
        byte[] window;
        try {
            window = db.read(c -> readWindow(c, blobId, first, last));
        } catch (RuntimeException e) {
            throw new IOException("cannot read message content", e);
        }
        if (window == null) {
            throw new IOException("message content " + blobId + " is gone");
        }
        buffer = window;
        bufferStart = (long) first * BlobTable.CHUNK_SIZE;
        windowChunks = Math.min(MAX_WINDOW_CHUNKS, windowChunks * 2);
    }

    /** Chunks [first, last] of a blob, concatenated; null when they are not (all) there. */
    static byte[] readWindow(Connection c, long blobId, int first, int last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, data FROM blob_chunk WHERE blob_id = ? AND seq BETWEEN ? AND ? ORDER BY seq")) {
            ps.setLong(1, blobId);
            ps.setInt(2, first);
            ps.setInt(3, last);
            try (ResultSet rs = ps.executeQuery()) {
                byte[] out = new byte[(last - first + 1) * BlobTable.CHUNK_SIZE];
                int length = 0;
                int expected = first;
                while (rs.next()) {
                    byte[] data = rs.getBytes(2);
                    if (rs.getInt(1) != expected++ || data == null) {
                        return null;
                    }
                    System.arraycopy(data, 0, out, length, data.length);
                    length += data.length;
                    if (data.length < BlobTable.CHUNK_SIZE) {
                        break; // the last chunk of the blob
                    }
                }
                return expected == first ? null : (length == out.length ? out : Arrays.copyOf(out, length));
            }
        }
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        if (position < bufferStart || position >= bufferStart + buffer.length) {
            return 0;
        }
        return (int) Math.min(bufferStart + buffer.length - position, end - position);
    }
}
