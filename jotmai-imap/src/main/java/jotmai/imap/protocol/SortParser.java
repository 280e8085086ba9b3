package jotmai.imap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * SORT and THREAD arguments (RFC 5256 §4 grammar, RFC 5957 DISPLAYFROM/DISPLAYTO): sort criteria or a
 * thread algorithm, a mandatory charset, then search keys as for SEARCH.
 */
final class SortParser {
    /** More criteria than this is not a real client (there are nine distinct ones). */
    static final int MAX_CRITERIA = 32;

    private SortParser() {}

    /**
     * "SORT" SP [sort-return-opts SP] sort-criteria SP search-criteria (RFC 5256 §4, RFC 5267 §3);
     * sort-criteria = "(" sort-criterion *(SP ...) ")".
     */
    static Command sort(Tokens t, boolean uid) {
        t.sp();
        Optional<Set<Command.SearchReturn>> returns = CommandParser.searchReturn(t);
        t.expect('(');
        List<Command.SortKey> criteria = new ArrayList<>();
        boolean reverse = false;
        do {
            t.skip(' ');
            String word = t.atom().toUpperCase(Locale.ROOT);
            if (word.equals("REVERSE")) {
                if (reverse) {
                    throw Tokens.error("REVERSE REVERSE");
                }
                reverse = true;
                continue;
            }
            try {
                criteria.add(new Command.SortKey(Command.SortCriterion.valueOf(word), reverse));
            } catch (IllegalArgumentException e) {
                throw Tokens.error("unknown sort criterion");
            }
            reverse = false;
            if (criteria.size() > MAX_CRITERIA) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "too many sort criteria");
            }
        } while (!t.skip(')'));
        if (reverse || criteria.isEmpty()) {
            throw Tokens.error("REVERSE needs a sort key");
        }
        t.sp();
        String charset = t.astring();
        t.sp();
        return new Command.Sort(uid, returns, criteria, charset, SearchParser.keys(t));
    }

    /** "THREAD" SP thread-alg SP search-charset 1*(SP search-key). */
    static Command thread(Tokens t, boolean uid) {
        t.sp();
        Command.ThreadAlgorithm algorithm;
        try {
            algorithm = Command.ThreadAlgorithm.valueOf(t.atom().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Tokens.error("unknown thread algorithm");
        }
        t.sp();
        String charset = t.astring();
        t.sp();
        return new Command.Thread(uid, algorithm, charset, SearchParser.keys(t));
    }
}
