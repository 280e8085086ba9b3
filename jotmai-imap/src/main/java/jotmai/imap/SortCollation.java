package jotmai.imap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The i;ascii-casemap collation (RFC 4790 §9.2), which RFC 5256 §2.3 requires for SORT: ASCII letters
 * compare case-insensitively, everything else by octet of the UTF-8 form.
 */
final class SortCollation {
    static final Comparator<String> ASCII_CASEMAP = Comparator.comparing(SortCollation::key, Arrays::compareUnsigned);

    private SortCollation() {}

    static byte[] key(String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] >= 'a' && b[i] <= 'z') {
                b[i] -= 32;
            }
        }
        return b;
    }

    static boolean equal(String a, String b) {
        return Arrays.equals(key(a), key(b));
    }
}
