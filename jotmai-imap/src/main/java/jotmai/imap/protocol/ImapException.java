package jotmai.imap.protocol;

/**
 * The outcomes a command can fail with, mapped 1:1 to the wire (RFC 9051 §7.1): tagged BAD (syntax or
 * state), tagged NO (the command was valid but failed), untagged BYE (the server closes the session).
 * Unchecked, caught in one place by the session loop.
 */
public sealed abstract class ImapException extends RuntimeException {

    private final ResponseCode code;

    protected ImapException(ResponseCode code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    /** Response code for the tagged reply, or null. */
    public ResponseCode code() {
        return code;
    }

    /** Syntax error or command not valid in this state: tagged BAD. */
    public static final class Bad extends ImapException {
        public Bad(String text) {
            super(null, text);
        }

        public Bad(ResponseCode code, String text) {
            super(code, text);
        }
    }

    /** The command failed: tagged NO. */
    public static final class No extends ImapException {
        public No(String text) {
            super(null, text);
        }

        public No(ResponseCode code, String text) {
            super(code, text);
        }
    }

    /** The server ends the session: untagged BYE, then close. */
    public static final class Bye extends ImapException {
        public Bye(String text) {
            super(null, text);
        }
    }
}
