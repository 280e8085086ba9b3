package jotmai.shared.net;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Raw-deflate compression of a connection's output (RFC 4978 §3, RFC 1951, no zlib header). Every
 * {@link #flush()} is a deflate SYNC_FLUSH, so the peer can decode all bytes written so far (§4: a
 * server must flush at the end of each response it wants the client to see).
 */
final class DeflatingOutput extends DeflaterOutputStream {
    private static final int BUFFER = 8 * 1024;

    DeflatingOutput(OutputStream out) {
        super(out, new Deflater(Deflater.DEFAULT_COMPRESSION, true), BUFFER, true);
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
