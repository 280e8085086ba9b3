package jotmai.imap;

import jotmai.message.HeaderDecoder;

/**
 * RFC 5256 §2.1 base subject extraction, for SORT SUBJECT and THREAD. The result keeps its case;
 * {@link SortCollation} compares it with i;ascii-casemap.
 *
 * @param base            the subject without reply/forward markers, tags and trailers
 * @param replyOrForward  whether a "Re:", "Fwd:", "(fwd)" or "[fwd: ...]" was removed (RFC 5256 §3,
 *                        REFERENCES step 5 needs it)
 */
record BaseSubject(String base, boolean replyOrForward) {
    /** Bounds the loops below even on adversarial subjects (each pass removes at least one char). */
    private static final int MAX_PASSES = 10_000;

    static BaseSubject of(String rawSubject) {
        if (rawSubject == null) {
            return new BaseSubject("", false);
        }
        // step 1: decode encoded words, tabs and folding to a single space
        String s = HeaderDecoder.decode(rawSubject).replaceAll("[\\t\\r\\n ]+", " ");
        boolean reply = false;
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            // step 2: trailing "(fwd)" and white space
            while (true) {
                if (s.endsWith(" ")) {
                    s = s.substring(0, s.length() - 1);
                } else if (s.regionMatches(true, Math.max(0, s.length() - 5), "(fwd)", 0, 5) && s.length() >= 5) {
                    s = s.substring(0, s.length() - 5);
                    reply = true;
                } else {
                    break;
                }
            }
            // steps 3-5: leading leaders (blobs + re/fw/fwd ":") and removable blobs, until no change
            for (int inner = 0; inner < MAX_PASSES; inner++) {
                String before = s;
                s = s.stripLeading();
                int leader = leaderEnd(s);
                if (leader > 0) {
                    s = s.substring(leader);
                    reply = true;
                    continue;
                }
                int blob = blobEnd(s, 0);
                if (blob > 0 && blob < s.length()) {
                    s = s.substring(blob); // step 4: only if something remains
                }
                if (s.equals(before)) {
                    break;
                }
            }
            // step 6: "[fwd:" ... "]" wrapper
            if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                reply = true;
                continue; // back to step 2
            }
            break;
        }
        return new BaseSubject(s, reply);
    }

    /** End of subj-refwd after *subj-blob at the start, i.e. after the ':'; 0 if none. */
    private static int leaderEnd(String s) {
        int i = 0;
        for (int b = blobEnd(s, i); b > 0; b = blobEnd(s, i)) {
            i = b;
        }
        // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
        if (s.regionMatches(true, i, "re", 0, 2)) {
            i += 2;
        } else if (s.regionMatches(true, i, "fwd", 0, 3)) {
            i += 3;
        } else if (s.regionMatches(true, i, "fw", 0, 2)) {
            i += 2;
        } else {
            return 0;
        }
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        int blob = blobEnd(s, i);
        if (blob > 0) {
            i = blob;
        }
        return i < s.length() && s.charAt(i) == ':' ? i + 1 : 0;
    }

    /** End (after trailing spaces) of a subj-blob "[" *BLOBCHAR "]" *WSP starting at {@code from}; 0 if none. */
    private static int blobEnd(String s, int from) {
        if (from >= s.length() || s.charAt(from) != '[') {
            return 0;
        }
        int i = from + 1;
        while (i < s.length() && s.charAt(i) != ']') {
            if (s.charAt(i) == '[') {
                return 0;
            }
            i++;
        }
        if (i >= s.length()) {
            return 0;
        }
        i++;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
