package jotmai.message;

import java.util.ArrayList;
import java.util.List;

/**
 * Lenient RFC 5322 §3.4 address-list parser producing IMAP ENVELOPE addresses (RFC 9051 §7.5.2).
 *
 * <p>Names stay raw (RFC 2047 encoded words are not decoded; quotes and quoted-pairs are removed), a
 * group becomes a start marker {@code (NIL NIL "name" NIL)} and an end marker {@code (NIL NIL NIL NIL)}.
 * A missing local part or domain is filled with {@code MISSING_MAILBOX} / {@code MISSING_DOMAIN} (as
 * other IMAP servers do) because NIL there would read as a group marker. Never throws.
 */
final class AddressParser {
    /** Addresses kept per header field; a hostile To: with a million entries is cut here. */
    static final int MAX_ADDRESSES = 1000;

    static final String MISSING_MAILBOX = "MISSING_MAILBOX";
    static final String MISSING_DOMAIN = "MISSING_DOMAIN";

    private AddressParser() {}

    private enum Kind { ATOM, QUOTED, COMMENT, SPECIAL }

    private record Token(Kind kind, String text) {
        boolean is(char special) {
            return kind == Kind.SPECIAL && text.charAt(0) == special;
        }
    }

    /** Parses an unfolded or folded header value; returns null (NIL) when no address is found. */
    static List<Address> parse(String rawValue) {
        if (rawValue == null) {
            return null;
        }
        List<Token> tokens = tokenize(Text.unfold(rawValue));
        List<Address> out = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        boolean inAngle = false;
        boolean inGroup = false;
        for (Token token : tokens) {
            if (out.size() >= MAX_ADDRESSES) {
                break;
            }
            if (token.is('<')) {
                inAngle = true;
            } else if (token.is('>')) {
                inAngle = false;
            } else if (!inAngle && token.is(':') && !inGroup) {
                // RFC 5322 §3.4: group = display-name ":" [group-list] ";"
                out.add(new Address(null, null, phrase(current), null));
                current.clear();
                inGroup = true;
                continue;
            } else if (!inAngle && token.is(',')) {
                flush(current, out);
                continue;
            } else if (!inAngle && token.is(';')) {
                flush(current, out);
                if (inGroup) {
                    out.add(new Address(null, null, null, null));
                    inGroup = false;
                }
                continue;
            }
            current.add(token);
        }
        flush(current, out);
        if (inGroup) {
            out.add(new Address(null, null, null, null));
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    private static void flush(List<Token> tokens, List<Address> out) {
        if (tokens.isEmpty()) {
            return;
        }
        int open = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).is('<')) {
                open = i;
                break;
            }
        }
        String name;
        List<Token> spec;
        if (open >= 0) {
            name = phrase(tokens.subList(0, open));
            int close = tokens.size();
            for (int i = open + 1; i < tokens.size(); i++) {
                if (tokens.get(i).is('>')) {
                    close = i;
                    break;
                }
            }
            spec = tokens.subList(open + 1, close);
            if (name == null) {
                name = firstComment(tokens);
            }
        } else {
            spec = tokens;
            name = firstComment(tokens);
        }
        // Obsolete source route inside the angle brackets: "@a,@b:" (RFC 5322 §4.4).
        String adl = null;
        int colon = -1;
        for (int i = 0; i < spec.size(); i++) {
            if (spec.get(i).is(':')) {
                colon = i;
                break;
            }
        }
        if (colon >= 0) {
            adl = joinTight(spec.subList(0, colon));
            if (adl.isEmpty()) {
                adl = null;
            }
            spec = spec.subList(colon + 1, spec.size());
        }
        int at = -1;
        for (int i = spec.size() - 1; i >= 0; i--) {
            if (spec.get(i).is('@')) {
                at = i;
                break;
            }
        }
        String local = joinTight(at >= 0 ? spec.subList(0, at) : spec);
        String domain = at >= 0 ? joinTight(spec.subList(at + 1, spec.size())) : "";
        tokens.clear();
        if (local.isEmpty() && domain.isEmpty()) {
            return;
        }
        out.add(new Address(name, adl,
                local.isEmpty() ? MISSING_MAILBOX : local,
                domain.isEmpty() ? MISSING_DOMAIN : domain));
    }

    /** Display-name words joined by single spaces; null when there are none. */
    private static String phrase(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        for (Token token : tokens) {
            if (token.kind() == Kind.ATOM || token.kind() == Kind.QUOTED
                    || (token.kind() == Kind.SPECIAL && !token.is('<') && !token.is('>'))) {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                out.append(token.text());
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    private static String firstComment(List<Token> tokens) {
        for (Token token : tokens) {
            if (token.kind() == Kind.COMMENT && !token.text().isBlank()) {
                return token.text().strip();
            }
        }
        return null;
    }

    /** Local part, domain or route: tokens joined without spaces, comments dropped. */
    private static String joinTight(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        for (Token token : tokens) {
            if (token.kind() != Kind.COMMENT) {
                out.append(token.text());
            }
        }
        return out.toString();
    }

    /** End (exclusive) of an RFC 2047 encoded word starting at {@code start}, or -1. */
    private static int encodedWordEnd(String s, int start) {
        if (!s.startsWith("=?", start)) {
            return -1;
        }
        int questionMarks = 0;
        for (int i = start + 2; i < s.length() && i < start + 512; i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                return -1;
            }
            if (c == '?') {
                questionMarks++;
                if (questionMarks >= 3 && i + 1 < s.length() && s.charAt(i + 1) == '=') {
                    return i + 2;
                }
            }
        }
        return -1;
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n && tokens.size() < MAX_ADDRESSES * 16) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    text.append(s.charAt(i++));
                }
                i++; // closing quote (or past the end)
                tokens.add(new Token(Kind.QUOTED, text.toString()));
            } else if (c == '(') {
                StringBuilder text = new StringBuilder();
                int depth = 1;
                i++;
                while (i < n && depth > 0) {
                    char d = s.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        text.append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                        if (depth == 0) {
                            i++;
                            break;
                        }
                    }
                    text.append(d);
                    i++;
                }
                tokens.add(new Token(Kind.COMMENT, text.toString()));
            } else if (c == '=' && encodedWordEnd(s, i) > 0) {
                // Broken mailers put ',' or '<' inside Q-encoded display names (RFC 2047 §5 forbids
                // it); keeping the encoded word whole stops it from splitting the address.
                int end = encodedWordEnd(s, i);
                tokens.add(new Token(Kind.ATOM, s.substring(i, end)));
                i = end;
            } else if (c == ')') {
                i++; // stray close of a comment that never opened
            } else if (c == ',' || c == ':' || c == ';' || c == '<' || c == '>' || c == '@') {
                tokens.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                i++;
            } else {
                int start = i;
                while (i < n && " \t\r\n\"(),:;<>@".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                tokens.add(new Token(Kind.ATOM, s.substring(start, i)));
            }
        }
        return tokens;
    }
}
