package jotmai.shared.net;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Raw-deflate compression of a connection's output (RFC 4978 §3, RFC 1951, no zlib header). Every
 * {@link #flush()} is a deflate SYNC_FLUSH, so the peer can decode all bytes written so far (§4: a
 * server must flush at the end of each response it wants the client to see). A flush with nothing
 * written since the previous one sends nothing: an empty sync-flush block arriving on its own (right
 * after the OK to COMPRESS, when the session flushes before the next command) makes isync's mbsync
 * fail with "empty response".
 */
final class DeflatingOutput extends DeflaterOutputStream {
    private static final int BUFFER = 8 * 1024;

    DeflatingOutput(OutputStream out) {
        super(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true), BUFFER, true);
    }

    /** Whether bytes were written since the last sync flush. */
    private boolean pending;

    @Override
    public void write(int b) throws IOException {
        pending = true;
        super.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > 0) {
            pending = true;
        }
        super.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        if (pending) {
            pending = false;
            super.flush();
        } else {
            out.flush();
        }
    }

    /** Frees the native deflater; the socket itself is closed by the connection. */
    void end() {
        def.end();
    }

    @Override
    public void close() throws IOException {
        end();
    }
}
