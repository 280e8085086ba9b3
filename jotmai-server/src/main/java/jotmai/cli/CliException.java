package jotmai.cli;

/** A command failed in a way the user can fix; the message is the one line printed on stderr. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
