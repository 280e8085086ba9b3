package jotmai.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;

import jotmai.store.StoreException;

/**
 * Bytes [start, end) of a chunked blob, fetched one chunk slice at a time, each with its own short
 * use of a pooled connection: no connection or transaction is held while the caller writes to a
 * slow client.
 */
final class BlobInputStream extends InputStream {

    private final Db db;
    private final String blobId;
    private final int chunkSize;
    private final long end;
    private long pos;
    private byte[] buf = new byte[0];
    private int bufPos;

    BlobInputStream(Db db, String blobId, long start, long end, int chunkSize) {
        this.db = db;
        this.blobId = blobId;
        this.pos = start;
        this.end = end;
        this.chunkSize = chunkSize;
    }

    private boolean fill() throws IOException {
        if (bufPos < buf.length) {
            return true;
        }
        if (pos >= end) {
            return false;
        }
        int seq = (int) (pos / chunkSize);
        int offset = (int) (pos % chunkSize);
        int length = (int) Math.min(chunkSize - offset, end - pos);
        byte[] slice;
        try {
            slice = db.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT substring(data FROM ? FOR ?) FROM blob_chunks WHERE blob_id = ? AND seq = ?")) {
                    ps.setInt(1, offset + 1); // SQL substring counts from 1
                    ps.setInt(2, length);
                    ps.setString(3, blobId);
                    ps.setInt(4, seq);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getBytes(1) : null;
                    }
                }
            });
        } catch (StoreException e) {
            throw new IOException("cannot read message content: " + e.getMessage(), e);
        }
        if (slice == null || slice.length == 0) {
            throw new IOException("message content " + blobId + " is gone (purged)");
        }
        buf = slice;
        bufPos = 0;
        pos += slice.length;
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? buf[bufPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buf.length - bufPos);
        System.arraycopy(buf, bufPos, b, off, n);
        bufPos += n;
        return n;
    }

    /**
     * Writes each fetched slice (the driver's array) directly to {@code out}, without the copy into a
     * caller's buffer that {@link #read(byte[], int, int)} makes: POP3 and IMAP stream large contents
     * this way.
     */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        long transferred = 0;
        while (fill()) {
            int n = buf.length - bufPos;
            out.write(buf, bufPos, n);
            bufPos += n;
            transferred += n;
        }
        return transferred;
    }

    @Override
    public int available() {
        return buf.length - bufPos;
    }
}
