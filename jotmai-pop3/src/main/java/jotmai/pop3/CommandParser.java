package jotmai.pop3;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns one command line into a {@link Pop3Command}. Pure: knows no session state (whether a command
 * is allowed now is the session's business). Syntax errors are {@link Pop3Exception.Err}.
 *
 * <p>RFC 1939 §3: keywords are case-insensitive, arguments are separated by single spaces; we accept
 * runs of spaces too. PASS takes the rest of the line, since passwords may contain spaces (RFC 1939 §7
 * notes this).
 */
final class CommandParser {

    /** RFC 1939 §3: arguments may be up to 40 characters; RFC 2449 §4 raises it to 255 octets. */
    static final int MAX_ARGUMENT_OCTETS = 255;

    private CommandParser() {}

    static Pop3Command parse(String line) {
        int space = line.indexOf(' ');
        String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        if (keyword.equals("PASS")) {
            // RFC 1939 §7: the password is everything after "PASS ".
            if (space < 0 || rest.isEmpty()) {
                throw new Pop3Exception.Err("PASS needs a password");
            }
            return new Pop3Command.Pass(rest);
        }
        String[] args = rest.isBlank() ? new String[0] : rest.strip().split(" +");
        for (String arg : args) {
            if (arg.length() > MAX_ARGUMENT_OCTETS) {
                throw new Pop3Exception.Err("argument too long");
            }
        }
        return switch (keyword) {
            case "USER" -> new Pop3Command.User(exactly(1, args, "USER name")[0]);
            case "APOP" -> {
                String[] a = exactly(2, args, "APOP name digest");
                yield new Pop3Command.Apop(a[0], a[1]);
            }
            case "AUTH" -> {
                atMost(2, args, "AUTH [mechanism [initial-response]]");
                yield new Pop3Command.Auth(
                        args.length > 0 ? Optional.of(args[0].toUpperCase(Locale.ROOT)) : Optional.empty(),
                        args.length > 1 ? Optional.of(args[1]) : Optional.empty());
            }
            case "STLS" -> none(args, new Pop3Command.Stls());
            case "CAPA" -> none(args, new Pop3Command.Capa());
            case "QUIT" -> none(args, new Pop3Command.Quit());
            case "STAT" -> none(args, new Pop3Command.Stat());
            case "NOOP" -> none(args, new Pop3Command.Noop());
            case "RSET" -> none(args, new Pop3Command.Rset());
            case "LIST" -> new Pop3Command.List(optionalMessage(args, "LIST [msg]"));
            case "UIDL" -> new Pop3Command.Uidl(optionalMessage(args, "UIDL [msg]"));
            case "RETR" -> new Pop3Command.Retr(messageNumber(exactly(1, args, "RETR msg")[0]));
            case "DELE" -> new Pop3Command.Dele(messageNumber(exactly(1, args, "DELE msg")[0]));
            case "TOP" -> {
                String[] a = exactly(2, args, "TOP msg n");
                yield new Pop3Command.Top(messageNumber(a[0]), lineCount(a[1]));
            }
            default -> throw new Pop3Exception.Err("unknown command");
        };
    }

    private static Pop3Command none(String[] args, Pop3Command command) {
        if (args.length != 0) {
            throw new Pop3Exception.Err("this command takes no arguments");
        }
        return command;
    }

    private static String[] exactly(int n, String[] args, String usage) {
        if (args.length != n) {
            throw new Pop3Exception.Err("syntax: " + usage);
        }
        return args;
    }

    private static void atMost(int n, String[] args, String usage) {
        if (args.length > n) {
            throw new Pop3Exception.Err("syntax: " + usage);
        }
    }

    private static OptionalInt optionalMessage(String[] args, String usage) {
        atMost(1, args, usage);
        return args.length == 0 ? OptionalInt.empty() : OptionalInt.of(messageNumber(args[0]));
    }

    /** RFC 1939 §5: message numbers are positive decimal integers. */
    static int messageNumber(String text) {
        int n = nonNegative(text, "invalid message number");
        if (n == 0) {
            throw new Pop3Exception.Err("invalid message number");
        }
        return n;
    }

    /** RFC 1939 §7 TOP: the number of body lines is a non-negative integer. */
    private static int lineCount(String text) {
        return nonNegative(text, "invalid line count");
    }

    private static int nonNegative(String text, String error) {
        if (text.isEmpty() || text.length() > 10) {
            throw new Pop3Exception.Err(error);
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new Pop3Exception.Err(error);
            }
            value = value * 10 + (c - '0');
        }
        if (value > Integer.MAX_VALUE) {
            throw new Pop3Exception.Err(error);
        }
        return (int) value;
    }
}
