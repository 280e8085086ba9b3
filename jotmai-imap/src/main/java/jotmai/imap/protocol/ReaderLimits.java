package jotmai.imap.protocol;

/**
 * Bounds of one command as the reader enforces them (RFC 9051 §4.3 lets servers limit literal sizes;
 * RFC 7889 APPENDLIMIT advertises the message limit). Stricter before authentication, as James's
 * 8192-octet unauthenticated literal limit.
 *
 * @param maxLineLength       octets of one line (between CRLFs), literals excluded
 * @param maxLiteralSize      octets of one literal
 * @param maxCommandSize      octets of all literals of one command together (MULTIAPPEND)
 * @param maxLiterals         literals in one command
 * @param spoolThreshold      literals above this many octets go to a temporary file
 */
public record ReaderLimits(int maxLineLength, long maxLiteralSize, long maxCommandSize, int maxLiterals,
                           int spoolThreshold) {

    /** Before authentication: enough for LOGIN and AUTHENTICATE, nothing more. */
    public static final ReaderLimits UNAUTHENTICATED = new ReaderLimits(64 * 1024, 8 * 1024, 16 * 1024, 4, 8 * 1024);

    /** After authentication: APPENDLIMIT-sized messages, several per MULTIAPPEND. */
    public static ReaderLimits authenticated(long appendLimit) {
        return new ReaderLimits(64 * 1024, appendLimit, Math.max(appendLimit, 4 * appendLimit), 1000, 64 * 1024);
    }
}
