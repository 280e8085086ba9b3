package jotmai.shared.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Raw-deflate decompression of a connection's input (RFC 4978 §3, RFC 1951). Unlike
 * {@link java.util.zip.InflaterInputStream}, {@link #available()} is exact: it decompresses what can
 * be had without blocking, so a sync-flush marker alone never looks like pending input (protocols
 * decide on available() whether to flush responses; a false "more input" would deadlock them).
 * A corrupt stream is reported as an {@link IOException}. Memory: fixed buffers, one inflater.
 */
final class InflatingInput extends InputStream {
    /** Compressed bytes read from the socket at a time. */
    private static final int INPUT_CHUNK = 8 * 1024;
    /** Decompressed bytes held at a time. */
    private static final int OUTPUT_CHUNK = 16 * 1024;

    private final InputStream source;
    private final Inflater inflater = new Inflater(true);
    private final byte[] compressed = new byte[INPUT_CHUNK];
    private final byte[] plain = new byte[OUTPUT_CHUNK];
    private int pos;
    private int limit;
    private boolean ended;

    InflatingInput(InputStream source) {
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !fill(true)) {
            return -1;
        }
        return plain[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit && !fill(true)) {
            return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        if (pos == limit) {
            fill(false);
        }
        return limit - pos;
    }

    /**
     * Refills the plain buffer (which is empty). Blocking: waits for socket bytes until some output
     * exists; returns false at the end of the stream. Not blocking: uses only what the inflater holds and
     * what the socket reports available; returns whether output exists.
     */
    private boolean fill(boolean block) throws IOException {
        pos = limit = 0;
        // each pass produces output, or feeds input (bounded by what arrives), or ends
        int idlePasses = 0;
        while (!ended) {
            int n = inflate();
            if (n > 0) {
                limit = n;
                return true;
            }
            if (inflater.finished()) {
                ended = true; // RFC 4978: the compressed stream lasts until the connection ends
                break;
            }
            if (inflater.needsDictionary()) {
                throw new ZipException("deflate stream asks for a preset dictionary");
            }
            if (!inflater.needsInput()) {
                if (++idlePasses > 2) {
                    throw new ZipException("compressed stream makes no progress");
                }
                continue;
            }
            int want = compressed.length;
            if (!block) {
                want = Math.min(want, source.available());
                if (want <= 0) {
                    return false;
                }
            }
            int got = source.read(compressed, 0, want);
            if (got < 0) {
                ended = true;
                break;
            }
            inflater.setInput(compressed, 0, got);
        }
        return false;
    }

    private int inflate() throws IOException {
        try {
            return inflater.inflate(plain, 0, plain.length);
        } catch (DataFormatException e) {
            throw new ZipException("corrupt compressed stream: " + e.getMessage());
        }
    }

    /** Frees the native inflater; the socket itself is closed by the connection. */
    void end() {
        inflater.end();
    }

    @Override
    public void close() throws IOException {
        end();
        source.close();
    }
}
