package jotmai.message;

/**
 * Case-insensitive substring search over a stream of code points, in memory proportional to the
 * needle only (Knuth-Morris-Pratt over case-folded code points), so a body of any size is searched
 * with a bounded buffer and matches spanning buffer boundaries are found.
 *
 * <p>Case folding is Unicode simple case folding approximated the usual way,
 * {@code toLowerCase(toUpperCase(c))}, which maps 'K', 'k' and KELVIN SIGN alike and leaves scripts
 * without case (Thai, CJK) unchanged (RFC 9051 §6.4.4 asks for case-insensitive matching; RFC 5051's
 * i;unicode-casemap is the model).
 */
final class FoldedMatcher {
    private final int[] needle;
    private final int[] failure;
    private int matched;
    private boolean found;

    FoldedMatcher(String needle) {
        this.needle = needle.codePoints().map(FoldedMatcher::fold).toArray();
        this.failure = new int[this.needle.length];
        for (int i = 1, k = 0; i < this.needle.length; i++) {
            while (k > 0 && this.needle[i] != this.needle[k]) {
                k = failure[k - 1];
            }
            if (this.needle[i] == this.needle[k]) {
                k++;
            }
            failure[i] = k;
        }
        this.found = this.needle.length == 0;
    }

    static int fold(int codePoint) {
        return Character.toLowerCase(Character.toUpperCase(codePoint));
    }

    static String fold(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().map(FoldedMatcher::fold).forEach(out::appendCodePoint);
        return out.toString();
    }

    /** Feeds one code point; returns true once the needle has been seen. */
    boolean feed(int codePoint) {
        if (found) {
            return true;
        }
        int c = fold(codePoint);
        while (matched > 0 && needle[matched] != c) {
            matched = failure[matched - 1];
        }
        if (needle[matched] == c) {
            matched++;
        }
        if (matched == needle.length) {
            found = true;
        }
        return found;
    }

    boolean found() {
        return found;
    }
}
