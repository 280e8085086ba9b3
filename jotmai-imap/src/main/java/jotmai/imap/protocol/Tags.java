package jotmai.imap.protocol;

/** RFC 9051 §9: tag = 1*<any ASTRING-CHAR except "+">. */
final class Tags {
    private Tags() {}

    static boolean isValid(String tag) {
        if (tag.isEmpty()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c == '+' || !Chars.isAstringChar(c)) {
                return false;
            }
        }
        return true;
    }
}
