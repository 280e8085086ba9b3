package jotmai.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses one command line (without CRLF) into a {@link Command}. Pure: needs no session. Syntax
 * errors are thrown as {@link SmtpReply} 501/500; whether a command is allowed now is the session's
 * business. Grammar: RFC 5321 §4.1.2, with RFC 6531 §3.3 UTF-8 in addresses (the session rejects
 * non-ASCII addresses without SMTPUTF8).
 */
final class CommandParser {

    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    /**
     * MAIL may grow by SIZE (RFC 1870 §3: 26), RET/ENVID (RFC 3461 §4: 100) and AUTH= (RFC 4954 §5:
     * 500); RCPT by NOTIFY/ORCPT (RFC 3461 §4: 500).
     */
    static final int MAX_MAIL_LINE = MAX_COMMAND_LINE + 26 + 100 + 500;
    static final int MAX_RCPT_LINE = MAX_COMMAND_LINE + 500;
    /** RFC 5321 §4.5.3.1.1 and §4.5.3.1.2. */
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;
    static final int MAX_PARAMS = 16;

    private CommandParser() {
    }

    /** The longest line (without CRLF) allowed for the command the line starts with. */
    static int maxLength(String line) {
        String verb = verb(line);
        return switch (verb) {
            case "MAIL" -> MAX_MAIL_LINE - 2;
            case "RCPT" -> MAX_RCPT_LINE - 2;
            case "AUTH" -> SmtpReader.MAX_LINE - 2;
            default -> MAX_COMMAND_LINE - 2;
        };
    }

    private static String verb(String line) {
        int sp = line.indexOf(' ');
        return (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
    }

    static Command parse(String line) {
        String verb = verb(line);
        String rest = line.length() > verb.length() ? line.substring(verb.length() + 1) : "";
        boolean hasArgs = line.length() > verb.length();
        return switch (verb) {
            case "EHLO" -> new Command.Hello(Command.Hello.Kind.EHLO, helloDomain(rest));
            case "HELO" -> new Command.Hello(Command.Hello.Kind.HELO, helloDomain(rest));
            case "LHLO" -> new Command.Hello(Command.Hello.Kind.LHLO, helloDomain(rest));
            case "MAIL" -> mail(rest);
            case "RCPT" -> rcpt(rest);
            case "DATA" -> noArgs(hasArgs, new Command.Data());
            case "BDAT" -> bdat(rest);
            case "RSET" -> noArgs(hasArgs, new Command.Rset());
            case "NOOP" -> new Command.Noop(); // RFC 5321 §4.1.1.9: a parameter is allowed and ignored
            case "QUIT" -> noArgs(hasArgs, new Command.Quit());
            case "HELP" -> new Command.Help();
            case "VRFY" -> new Command.Vrfy();
            case "EXPN" -> new Command.Expn();
            case "STARTTLS" -> noArgs(hasArgs, new Command.StartTls());
            case "AUTH" -> auth(rest);
            default -> throw new SmtpReply(500, "5.5.1", "Command unrecognized");
        };
    }

    private static Command noArgs(boolean hasArgs, Command command) {
        if (hasArgs) {
            throw SmtpReply.syntax("Syntax error: no parameters allowed");
        }
        return command;
    }

    private static String helloDomain(String rest) {
        String d = rest.strip();
        // Be liberal (RFC 5321 §4.1.4 lets the server not verify the name), but a name is required.
        if (d.isEmpty() || d.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw SmtpReply.syntax("Syntax: EHLO domain");
        }
        return d;
    }

    private static Command mail(String rest) {
        Cursor c = new Cursor(rest);
        c.expectKeyword("FROM:");
        c.skipSpaces(); // common client sloppiness "MAIL FROM: <a@b>"
        Optional<MailAddress> from;
        if (c.tryConsume("<>")) {
            from = Optional.empty();
        } else {
            from = Optional.of(path(c));
        }
        return new Command.Mail(from, params(c));
    }

    private static Command rcpt(String rest) {
        Cursor c = new Cursor(rest);
        c.expectKeyword("TO:");
        c.skipSpaces();
        if (c.tryConsumeIgnoreCase("<Postmaster>")) {
            return new Command.Rcpt(Optional.empty(), true, params(c));
        }
        return new Command.Rcpt(Optional.of(path(c)), false, params(c));
    }

    private static Command bdat(String rest) {
        String[] parts = rest.split(" ", -1);
        if (parts.length < 1 || parts.length > 2 || parts[0].isEmpty() || parts[0].length() > 18
                || !parts[0].chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw SmtpReply.syntax("Syntax: BDAT chunk-size [LAST]");
        }
        boolean last = false;
        if (parts.length == 2) {
            if (!parts[1].equalsIgnoreCase("LAST")) {
                throw SmtpReply.syntax("Syntax: BDAT chunk-size [LAST]");
            }
            last = true;
        }
        return new Command.Bdat(Long.parseLong(parts[0]), last);
    }

    private static Command auth(String rest) {
        String[] parts = rest.split(" ", -1);
        if (rest.isEmpty() || parts.length > 2 || parts[0].isEmpty()) {
            throw SmtpReply.syntax("Syntax: AUTH mechanism [initial-response]");
        }
        Optional<String> initial = parts.length == 2 ? Optional.of(parts[1]) : Optional.empty();
        return new Command.Auth(parts[0].toUpperCase(Locale.ROOT), initial);
    }

    /** RFC 5321 §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">". A source route is parsed and ignored (§C). */
    static MailAddress path(Cursor c) {
        c.expect('<');
        if (c.peek() == '@') {
            do {
                c.expect('@');
                domain(c);
            } while (c.tryConsume(","));
            c.expect(':');
        }
        MailAddress address = mailbox(c);
        c.expect('>');
        return address;
    }

    static MailAddress mailbox(Cursor c) {
        boolean quoted = c.peek() == '"';
        String local = quoted ? quotedString(c) : dotString(c);
        if (local.isEmpty() || utf8Length(local) > MAX_LOCAL_PART) {
            throw new SmtpReply(501, "5.1.3", "Bad local part length");
        }
        c.expect('@');
        boolean literal = c.peek() == '[';
        String domain = literal ? addressLiteral(c) : domain(c);
        if (utf8Length(domain) > MAX_DOMAIN) {
            throw new SmtpReply(501, "5.1.3", "Domain too long");
        }
        return new MailAddress(local, domain, quoted, literal);
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static String dotString(Cursor c) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int start = c.pos;
            while (c.more() && isAtext(c.peek())) {
                c.pos++;
            }
            if (c.pos == start) {
                throw new SmtpReply(501, "5.1.3", "Bad address syntax");
            }
            sb.append(c.s, start, c.pos);
            if (c.more() && c.peek() == '.') {
                c.pos++;
                sb.append('.');
            } else {
                return sb.toString();
            }
        }
    }

    private static boolean isAtext(char ch) {
        return ch >= 0x80 || Character.isLetterOrDigit(ch) && ch < 0x80 || "!#$%&'*+-/=?^_`{|}~".indexOf(ch) >= 0;
    }

    private static String quotedString(Cursor c) {
        c.expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!c.more()) {
                throw new SmtpReply(501, "5.1.3", "Bad address syntax");
            }
            char ch = c.s.charAt(c.pos++);
            if (ch == '"') {
                return sb.toString();
            }
            if (ch == '\\') {
                if (!c.more() || c.peek() < 32 || c.peek() > 126) {
                    throw new SmtpReply(501, "5.1.3", "Bad address syntax");
                }
                sb.append(c.s.charAt(c.pos++));
            } else if (ch >= 32 && ch != 127) {
                sb.append(ch);
            } else {
                throw new SmtpReply(501, "5.1.3", "Bad address syntax");
            }
        }
    }

    /** sub-domain *("." sub-domain); a trailing dot is a syntax error. */
    private static String domain(Cursor c) {
        int start = c.pos;
        while (true) {
            int label = c.pos;
            while (c.more() && (Character.isLetterOrDigit(c.peek()) || c.peek() == '-' || c.peek() >= 0x80)) {
                c.pos++;
            }
            if (c.pos == label || c.s.charAt(label) == '-' || c.s.charAt(c.pos - 1) == '-') {
                throw new SmtpReply(501, "5.1.3", "Bad domain syntax");
            }
            if (c.more() && c.peek() == '.') {
                c.pos++;
            } else {
                return c.s.substring(start, c.pos);
            }
        }
    }

    private static String addressLiteral(Cursor c) {
        int start = c.pos;
        c.expect('[');
        while (c.more() && c.peek() != ']') {
            char ch = c.peek();
            if (ch < 33 || ch > 126 || ch == '[' || ch == '\\') {
                throw new SmtpReply(501, "5.1.3", "Bad address literal");
            }
            c.pos++;
        }
        c.expect(']');
        if (c.pos - start < 3) {
            throw new SmtpReply(501, "5.1.3", "Bad address literal");
        }
        return c.s.substring(start, c.pos);
    }

    /** RFC 5321 §4.1.2 Mail-parameters: SP-separated esmtp-keyword ["=" esmtp-value]; keys upper-cased. */
    private static Map<String, String> params(Cursor c) {
        Map<String, String> params = new LinkedHashMap<>();
        while (c.more()) {
            c.expect(' ');
            if (!c.more()) {
                break; // tolerate one trailing space
            }
            int start = c.pos;
            while (c.more() && c.peek() != ' ') {
                c.pos++;
            }
            String param = c.s.substring(start, c.pos);
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            if (key.isEmpty() || !key.chars().allMatch(ch -> ch < 0x80 && (Character.isLetterOrDigit(ch) || ch == '-'))
                    || (eq >= 0 && value.isEmpty()) || value.indexOf('=') >= 0) {
                throw SmtpReply.syntax("Bad parameter syntax");
            }
            if (params.put(key, value) != null || params.size() > MAX_PARAMS) {
                throw SmtpReply.syntax("Duplicate or too many parameters");
            }
        }
        return params;
    }

    /** A position in the text being parsed. */
    static final class Cursor {
        final String s;
        int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean more() {
            return pos < s.length();
        }

        char peek() {
            return more() ? s.charAt(pos) : '\0';
        }

        void expect(char ch) {
            if (peek() != ch || !more()) {
                throw SmtpReply.syntax("Syntax error in parameters");
            }
            pos++;
        }

        void expectKeyword(String keyword) {
            if (!s.regionMatches(true, pos, keyword, 0, keyword.length())) {
                throw SmtpReply.syntax("Syntax: MAIL FROM:<address> / RCPT TO:<address>");
            }
            pos += keyword.length();
        }

        boolean tryConsume(String text) {
            if (s.startsWith(text, pos)) {
                pos += text.length();
                return true;
            }
            return false;
        }

        boolean tryConsumeIgnoreCase(String text) {
            if (s.regionMatches(true, pos, text, 0, text.length())) {
                pos += text.length();
                return true;
            }
            return false;
        }

        void skipSpaces() {
            while (peek() == ' ' && more()) {
                pos++;
            }
        }
    }
}
