package jotmai.pop3;

import java.util.Optional;

/**
 * The failures a command can end in, each mapping to one wire outcome (STYLE principle 9). Caught in
 * one place, {@link Pop3Session#run}.
 */
sealed abstract class Pop3Exception extends RuntimeException {

    private final Optional<ResponseCode> code;

    private Pop3Exception(Optional<ResponseCode> code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    Optional<ResponseCode> code() {
        return code;
    }

    /** "-ERR text": the session continues in its state. */
    static final class Err extends Pop3Exception {
        Err(String message) {
            super(Optional.empty(), message);
        }

        Err(ResponseCode code, String message) {
            super(Optional.of(code), message);
        }
    }

    /** "-ERR text" and then the connection is closed without entering UPDATE. */
    static final class Close extends Pop3Exception {
        Close(String message) {
            super(Optional.empty(), message);
        }

        Close(ResponseCode code, String message) {
            super(Optional.of(code), message);
        }
    }

    /** No response at all (we are in the middle of a multi-line answer): drop the connection. */
    static final class Abort extends Pop3Exception {
        Abort(String message) {
            super(Optional.empty(), message);
        }
    }
}
