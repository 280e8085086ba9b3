package jotmai.shared.net;

import java.time.Duration;

/**
 * Resource limits every protocol applies, stricter before authentication (style guide principle 7;
 * RFC 9051 §5.4 for the IMAP autologout timer; RFC 5321 §4.5.3 for SMTP sizes and timeouts). Protocols
 * take a {@code Limits} from the server's configuration; tests construct their own.
 *
 * @param maxLineBeforeAuth    longest command line accepted before login, in octets (CRLF included)
 * @param maxLineAfterAuth     longest command line after login (IMAP UID sets can be long)
 * @param idleBeforeAuth       a client silent this long before login is disconnected
 * @param idleAfterAuth        a logged-in client silent this long is disconnected (IMAP: at least 30
 *                             minutes, RFC 9051 §5.4; IDLE clients re-issue within 29 minutes)
 * @param maxLiteralBeforeAuth largest IMAP literal / SASL blob accepted before login
 * @param maxMessageSize       largest message accepted by SMTP DATA/BDAT or IMAP APPEND (SIZE/APPENDLIMIT)
 * @param commandTimeout       longest time one command line (or one DATA body) may take to arrive once
 *                             begun; cuts slowloris clients that trickle bytes under the idle timeout
 * @param writeStallTimeout    a write that makes no progress this long (client stopped reading) ends
 *                             the connection
 */
public record Limits(int maxLineBeforeAuth, int maxLineAfterAuth, Duration idleBeforeAuth, Duration idleAfterAuth,
                     long maxLiteralBeforeAuth, long maxMessageSize, Duration commandTimeout,
                     Duration writeStallTimeout) {

    /** Room for AUTHENTICATE/AUTH with an initial response (PLAIN, and XOAUTH2 tokens of a few KB). */
    public static final int DEFAULT_MAX_LINE_BEFORE_AUTH = 8 * 1024;
    /** Dovecot's imap_max_line_length; enough for any UID set a real client sends. */
    public static final int DEFAULT_MAX_LINE_AFTER_AUTH = 64 * 1024;
    public static final Duration DEFAULT_IDLE_BEFORE_AUTH = Duration.ofMinutes(1);
    /** RFC 9051 §5.4: an autologout timer, if any, MUST be at least 30 minutes. */
    public static final Duration DEFAULT_IDLE_AFTER_AUTH = Duration.ofMinutes(31);
    /** Apache James's unauthenticated literal limit. */
    public static final long DEFAULT_MAX_LITERAL_BEFORE_AUTH = 8 * 1024;
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 50L * 1024 * 1024;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_WRITE_STALL_TIMEOUT = Duration.ofMinutes(2);
    /**
     * Once begun, a line must arrive within this time (plus the data-rate allowance below), see
     * {@link Connection#setLineDeadline}; Postfix's smtpd_per_record_deadline uses its 300 s smtpd_timeout.
     */
    public static final Duration DEFAULT_LINE_DEADLINE = Duration.ofMinutes(2);
    /** Octets per second of a long line (a literal, a DATA/BDAT body) that extend the line deadline by
     *  a second each; Postfix's smtpd_min_data_rate default. */
    public static final int DEFAULT_MIN_DATA_RATE = 500;

    public static final Limits DEFAULTS = new Limits(DEFAULT_MAX_LINE_BEFORE_AUTH, DEFAULT_MAX_LINE_AFTER_AUTH,
            DEFAULT_IDLE_BEFORE_AUTH, DEFAULT_IDLE_AFTER_AUTH, DEFAULT_MAX_LITERAL_BEFORE_AUTH,
            DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_COMMAND_TIMEOUT, DEFAULT_WRITE_STALL_TIMEOUT);

    public Limits {
        if (maxLineBeforeAuth < 512 || maxLineAfterAuth < maxLineBeforeAuth) {
            // RFC 5321 §4.5.3.1.4: a command line of 512 octets must always be accepted.
            throw new IllegalArgumentException("line limits must be >= 512 and after-auth >= before-auth");
        }
        if (maxLiteralBeforeAuth < 0 || maxMessageSize < 1) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        if (idleBeforeAuth.isNegative() || idleAfterAuth.isNegative() || commandTimeout.isNegative()
                || writeStallTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    public int maxLine(boolean authenticated) {
        return authenticated ? maxLineAfterAuth : maxLineBeforeAuth;
    }

    public Duration idle(boolean authenticated) {
        return authenticated ? idleAfterAuth : idleBeforeAuth;
    }

    /** Largest literal: small before login, a whole message after. */
    public long maxLiteral(boolean authenticated) {
        return authenticated ? maxMessageSize : maxLiteralBeforeAuth;
    }

    public Limits withMaxMessageSize(long bytes) {
        return new Limits(maxLineBeforeAuth, maxLineAfterAuth, idleBeforeAuth, idleAfterAuth, maxLiteralBeforeAuth,
                bytes, commandTimeout, writeStallTimeout);
    }

    public Limits withIdle(Duration beforeAuth, Duration afterAuth) {
        return new Limits(maxLineBeforeAuth, maxLineAfterAuth, beforeAuth, afterAuth, maxLiteralBeforeAuth,
                maxMessageSize, commandTimeout, writeStallTimeout);
    }

    public Limits withTimeouts(Duration command, Duration writeStall) {
        return new Limits(maxLineBeforeAuth, maxLineAfterAuth, idleBeforeAuth, idleAfterAuth, maxLiteralBeforeAuth,
                maxMessageSize, command, writeStall);
    }
}
