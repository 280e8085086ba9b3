package jotmai.shared.net;

import java.io.IOException;

/**
 * A staged message went over its size cap. {@code seen} is how many bytes arrived: exactly the total
 * when the input was drained to its end ({@link Staging.Overflow#DRAIN}), otherwise just past the limit.
 * Protocols answer SMTP 552 5.3.4 (RFC 5321 §4.5.3.1.10, RFC 1870), IMAP NO [TOOBIG] (RFC 9051 §7.1).
 */
public final class MessageTooLargeException extends IOException {
    private final long limit;
    private final long seen;
    private final boolean drained;

    public MessageTooLargeException(long limit, long seen, boolean drained) {
        super("message larger than " + limit + " bytes" + (drained ? " (" + seen + " bytes drained)" : ""));
        this.limit = limit;
        this.seen = seen;
        this.drained = drained;
    }

    public long limit() {
        return limit;
    }

    public long seen() {
        return seen;
    }

    /** True when the rest of the input was read and discarded, so the session can continue. */
    public boolean drained() {
        return drained;
    }
}
