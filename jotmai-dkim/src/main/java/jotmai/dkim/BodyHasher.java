package jotmai.dkim;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Canonicalizes a body while it streams through (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) and hashes
 * the first {@code lengthLimit} octets of the result with SHA-256 (§3.7; l= of §3.5). Memory stays
 * constant: empty lines are only counted until a non-empty line shows they were not at the end.
 *
 * <p>Lines end with CRLF; a bare LF is taken as a line end too, a bare CR is content.
 */
public final class BodyHasher extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};

    private final Canonicalization mode;
    private final long lengthLimit;
    private final MessageDigest digest;
    private long canonicalLength;
    private long pendingEmptyLines;
    private boolean lineHasContent;
    private boolean pendingWsp;
    private boolean pendingCr;
    private boolean finished;

    BodyHasher(Canonicalization mode, long lengthLimit) {
        this.mode = mode;
        this.lengthLimit = lengthLimit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(int b) {
        accept((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            accept(b[i]);
        }
    }

    private void accept(byte b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == '\n') {
                endLine();
                return;
            }
            content((byte) '\r');
        }
        if (b == '\r') {
            pendingCr = true;
        } else if (b == '\n') {
            endLine();
        } else {
            content(b);
        }
    }

    private void content(byte b) {
        if (mode == Canonicalization.RELAXED && (b == ' ' || b == '\t')) {
            pendingWsp = true; // §3.4.4: WSP runs become one SP, WSP at the end of a line goes
            return;
        }
        if (!lineHasContent) {
            for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                emit(CRLF, 2);
            }
            lineHasContent = true;
        }
        if (pendingWsp) {
            emit(new byte[] {' '}, 1);
            pendingWsp = false;
        }
        emit(new byte[] {b}, 1);
    }

    private void endLine() {
        if (lineHasContent) {
            emit(CRLF, 2);
        } else {
            pendingEmptyLines++; // §3.4.3/§3.4.4: empty lines at the end of the body are ignored
        }
        lineHasContent = false;
        pendingWsp = false;
    }

    private void emit(byte[] bytes, int len) {
        long room = lengthLimit - canonicalLength;
        if (room > 0) {
            digest.update(bytes, 0, (int) Math.min(room, len));
        }
        canonicalLength += len;
    }

    /** Ends the body; afterwards {@link #hash()} and {@link #canonicalLength()} are final. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pendingCr) {
            pendingCr = false;
            content((byte) '\r');
        }
        if (lineHasContent) {
            emit(CRLF, 2); // a non-empty body that does not end with CRLF gets one
        } else if (mode == Canonicalization.SIMPLE && canonicalLength == 0) {
            emit(CRLF, 2); // §3.4.3: an empty body is one CRLF
        }
    }

    /** The SHA-256 of the canonical body (cut at the length limit). */
    public byte[] hash() {
        finish();
        return digest.digest();
    }

    /** The whole canonical body's length, also beyond the limit (to check l=, §3.5). */
    public long canonicalLength() {
        finish();
        return canonicalLength;
    }
}
