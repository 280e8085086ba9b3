package jotmai.imap.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over the pieces of one {@link RawCommand} for the recursive-descent parser: text is read
 * character by character, a literal is taken whole where the grammar allows a string.
 */
final class Tokens {
    /** Nesting of parenthesized lists (search keys, fetch lists) is bounded against stack exhaustion. */
    static final int MAX_DEPTH = 64;
    static final int LITERAL = -2;
    static final int END = -1;

    private final List<RawCommand.Part> parts;
    private int part;
    private String text;
    private int pos;
    private final List<Literal> taken = new ArrayList<>();

    Tokens(RawCommand raw) {
        this.parts = raw.parts();
        this.part = 0;
        this.text = parts.isEmpty() ? "" : ((RawCommand.Part.Text) parts.get(0)).text();
        this.pos = 0;
    }

    static ImapException.Bad error(String what) {
        return new ImapException.Bad(ResponseCode.PARSE, what);
    }

    /** Next character, {@link #LITERAL} at a literal, {@link #END} at the end of the command. */
    int peek() {
        if (pos < text.length()) {
            return text.charAt(pos);
        }
        if (part + 1 < parts.size()) {
            return LITERAL;
        }
        return END;
    }

    boolean atEnd() {
        return peek() == END;
    }

    int next() {
        int c = peek();
        if (c >= 0) {
            pos++;
        }
        return c;
    }

    void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    void sp() {
        if (next() != ' ') {
            throw error("expected a space");
        }
    }

    boolean skip(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expectEnd() {
        if (!atEnd()) {
            throw error("unexpected characters at the end of the command");
        }
    }

    /** Reads characters while the predicate holds; at least one. */
    String chars(java.util.function.IntPredicate allowed, String what) {
        int start = pos;
        while (pos < text.length() && allowed.test(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected " + what);
        }
        return text.substring(start, pos);
    }

    String atom() {
        return chars(Chars::isAtomChar, "an atom");
    }

    /** Whether the next text (case-insensitive) is the given word followed by a non-atom char. */
    boolean peekWord(String word) {
        if (!text.regionMatches(true, pos, word, 0, word.length())) {
            return false;
        }
        int after = pos + word.length();
        return after >= text.length() || !Chars.isAtomChar(text.charAt(after));
    }

    long number() {
        String digits = chars(c -> c >= '0' && c <= '9', "a number");
        if (digits.length() > 10) {
            throw error("number too large");
        }
        long n = Long.parseLong(digits);
        if (n > 0xFFFF_FFFFL) {
            throw error("number too large");
        }
        return n;
    }

    /** RFC 7162 §7 mod-sequence-value: 1*DIGIT up to 2^63-1. */
    long modSeq() {
        String digits = chars(c -> c >= '0' && c <= '9', "a mod-sequence");
        if (digits.length() > 19) {
            throw error("mod-sequence too large");
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("mod-sequence too large");
        }
    }

    long nzNumber() {
        long n = number();
        if (n == 0) {
            throw error("zero is not allowed here");
        }
        return n;
    }

    /** A literal part at the cursor, taken over by the caller (it must close it). */
    Literal literal() {
        if (peek() != LITERAL) {
            throw error("expected a literal");
        }
        Literal lit = ((RawCommand.Part.Lit) parts.get(part + 1)).literal();
        part += 2;
        text = ((RawCommand.Part.Text) parts.get(part)).text();
        pos = 0;
        taken.add(lit);
        return lit;
    }

    boolean atLiteral() {
        return peek() == LITERAL;
    }

    /** quoted / literal. */
    String string() {
        int c = peek();
        if (c == '"') {
            return quoted();
        }
        if (c == LITERAL) {
            return literal().asString();
        }
        throw error("expected a string");
    }

    String quoted() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated quoted string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    throw error("unterminated quoted string");
                }
                char e = text.charAt(pos++);
                if (e != '"' && e != '\\') {
                    throw error("bad escape in quoted string");
                }
                sb.append(e);
            } else {
                sb.append(c);
            }
        }
    }

    /** astring = 1*ASTRING-CHAR / string. */
    String astring() {
        int c = peek();
        if (c == '"' || c == LITERAL) {
            return string();
        }
        // 8-bit characters are not ASTRING-CHARs, but clients send UTF-8 search words unquoted
        return chars(ch -> Chars.isAstringChar(ch) || ch >= 0x80, "a string");
    }

    /** nstring = string / NIL. */
    String nstring() {
        if (peekWord("NIL")) {
            pos += 3;
            return null;
        }
        return string();
    }

    /** list-mailbox = 1*list-char / string. */
    String listMailbox() {
        int c = peek();
        if (c == '"' || c == LITERAL) {
            return string();
        }
        return chars(Chars::isListChar, "a mailbox pattern");
    }

    /** flag = "\" atom / atom (also "\*" in PERMANENTFLAGS, not accepted from clients). */
    String flag() {
        if (skip('\\')) {
            return "\\" + atom();
        }
        return atom();
    }

    /** A parenthesized list of flags, possibly empty. */
    List<String> flagList() {
        expect('(');
        List<String> flags = new ArrayList<>();
        if (skip(')')) {
            return flags;
        }
        while (true) {
            flags.add(flag());
            if (skip(')')) {
                return flags;
            }
            sp();
        }
    }

    /** sequence-set (RFC 9051 §9) including "*" and "$". */
    SequenceSet sequenceSet() {
        if (skip('$')) {
            return SequenceSet.SAVED;
        }
        List<SequenceSet.Range> ranges = new ArrayList<>();
        while (true) {
            long from = seqNumber();
            long to = from;
            if (skip(':')) {
                to = seqNumber();
            }
            ranges.add(new SequenceSet.Range(from, to));
            if (ranges.size() > 100_000) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "sequence set too long");
            }
            if (!skip(',')) {
                return new SequenceSet(ranges, false);
            }
        }
    }

    private long seqNumber() {
        if (skip('*')) {
            return SequenceSet.STAR;
        }
        return nzNumber();
    }

    /** Whether the next token looks like a sequence set (digit, "*" or "$"). */
    boolean atSequenceSet() {
        int c = peek();
        return (c >= '0' && c <= '9') || c == '*' || c == '$';
    }

    /** Literals taken so far (closed by the caller on failure). */
    List<Literal> taken() {
        return taken;
    }
}
