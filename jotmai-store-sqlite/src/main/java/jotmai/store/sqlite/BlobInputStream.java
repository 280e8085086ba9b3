package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streams [offset, end) of a stored blob, fetching one chunk at a time through the reader pool, so that
 * a reader connection is never held while the caller writes to a slow client.
 */
final class BlobInputStream extends InputStream {
    private final Database db;
    private final long blobId;
    private long position;
    private final long end;
    private byte[] chunk;
    private long chunkStart = -1;

    BlobInputStream(Database db, long blobId, long offset, long end) {
        this.db = db;
        this.blobId = blobId;
        this.position = offset;
        this.end = end;
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
        int seq = (int) (position / BlobTable.CHUNK_SIZE);
        long start = (long) seq * BlobTable.CHUNK_SIZE;
        if (chunk == null || chunkStart != start) {
            try {
                chunk = db.read(c -> BlobTable.chunk(c, blobId, seq));
            } catch (RuntimeException e) {
                throw new IOException("cannot read message content", e);
            }
            if (chunk == null) {
                throw new IOException("message content " + blobId + " is gone");
            }
            chunkStart = start;
        }
        int inChunk = (int) (position - chunkStart);
        int n = (int) Math.min(Math.min(len, chunk.length - inChunk), end - position);
        if (n <= 0) {
            throw new IOException("message content " + blobId + " is shorter than recorded");
        }
        System.arraycopy(chunk, inChunk, b, off, n);
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        if (chunk == null || position < chunkStart || position >= chunkStart + chunk.length) {
            return 0;
        }
        return (int) Math.min(chunkStart + chunk.length - position, end - position);
    }
}
