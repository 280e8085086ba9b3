package jotmai.imap.protocol;

/** Character classes of the RFC 9051 §9 grammar. */
final class Chars {
    private Chars() {}

    /** ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL list-wildcards quoted-specials resp-specials. */
    static boolean isAtomChar(int c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"'
                && c != '\\' && c != ']';
    }

    /** ASTRING-CHAR = ATOM-CHAR / resp-specials. */
    static boolean isAstringChar(int c) {
        return isAtomChar(c) || c == ']';
    }

    /** list-char = ATOM-CHAR / list-wildcards / resp-specials. */
    static boolean isListChar(int c) {
        return isAstringChar(c) || c == '%' || c == '*';
    }

    /** TEXT-CHAR in quoted strings without escaping. */
    static boolean isQuotedSafe(int c) {
        return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
    }
}
