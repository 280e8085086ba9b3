package jotmai.imap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses search keys (RFC 9051 §6.4.4, RFC 3501 §6.4.4 for RECENT/NEW/OLD). */
final class SearchParser {
    private SearchParser() {}

    /** One or more keys separated by spaces: their conjunction. */
    static SearchKey keys(Tokens t) {
        List<SearchKey> keys = new ArrayList<>();
        keys.add(key(t, 0));
        while (t.skip(' ')) {
            keys.add(key(t, 0));
            if (keys.size() > 1000) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "too many search keys");
            }
        }
        return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
    }

    private static SearchKey key(Tokens t, int depth) {
        if (depth > Tokens.MAX_DEPTH) {
            throw new ImapException.Bad(ResponseCode.LIMIT, "search nesting too deep");
        }
        if (t.skip('(')) {
            List<SearchKey> keys = new ArrayList<>();
            do {
                t.skip(' ');
                keys.add(key(t, depth + 1));
            } while (!t.skip(')'));
            return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
        }
        if (t.atSequenceSet()) {
            return new SearchKey.Sequence(t.sequenceSet());
        }
        String word = t.atom().toUpperCase(Locale.ROOT);
        return switch (word) {
            case "ALL" -> new SearchKey.All();
            case "ANSWERED" -> new SearchKey.Flag("\\Answered", true);
            case "UNANSWERED" -> new SearchKey.Flag("\\Answered", false);
            case "DELETED" -> new SearchKey.Flag("\\Deleted", true);
            case "UNDELETED" -> new SearchKey.Flag("\\Deleted", false);
            case "DRAFT" -> new SearchKey.Flag("\\Draft", true);
            case "UNDRAFT" -> new SearchKey.Flag("\\Draft", false);
            case "FLAGGED" -> new SearchKey.Flag("\\Flagged", true);
            case "UNFLAGGED" -> new SearchKey.Flag("\\Flagged", false);
            case "SEEN" -> new SearchKey.Flag("\\Seen", true);
            case "UNSEEN" -> new SearchKey.Flag("\\Seen", false);
            case "KEYWORD" -> new SearchKey.Flag(arg(t).atom(), true);
            case "UNKEYWORD" -> new SearchKey.Flag(arg(t).atom(), false);
            case "RECENT" -> new SearchKey.Recent(true);
            case "OLD" -> new SearchKey.Recent(false);
            case "NEW" -> new SearchKey.And(List.of(new SearchKey.Recent(true), new SearchKey.Flag("\\Seen", false)));
            case "BCC", "CC", "FROM", "TO", "SUBJECT" -> new SearchKey.Header(capitalized(word), arg(t).astring());
            case "HEADER" -> {
                String field = arg(t).astring();
                yield new SearchKey.Header(field, arg(t).astring());
            }
            case "BODY" -> new SearchKey.Body(arg(t).astring());
            case "TEXT" -> new SearchKey.Text(arg(t).astring());
            case "BEFORE" -> date(t, SearchKey.DateField.INTERNAL, SearchKey.Comparison.BEFORE);
            case "ON" -> date(t, SearchKey.DateField.INTERNAL, SearchKey.Comparison.ON);
            case "SINCE" -> date(t, SearchKey.DateField.INTERNAL, SearchKey.Comparison.SINCE);
            case "SENTBEFORE" -> date(t, SearchKey.DateField.SENT, SearchKey.Comparison.BEFORE);
            case "SENTON" -> date(t, SearchKey.DateField.SENT, SearchKey.Comparison.ON);
            case "SENTSINCE" -> date(t, SearchKey.DateField.SENT, SearchKey.Comparison.SINCE);
            case "SAVEDBEFORE" -> date(t, SearchKey.DateField.SAVED, SearchKey.Comparison.BEFORE);
            case "SAVEDON" -> date(t, SearchKey.DateField.SAVED, SearchKey.Comparison.ON);
            case "SAVEDSINCE" -> date(t, SearchKey.DateField.SAVED, SearchKey.Comparison.SINCE);
            case "SAVEDATESUPPORTED" -> new SearchKey.All(); // RFC 8514 §4.3: every mailbox keeps save dates
            case "EMAILID" -> new SearchKey.ObjectId(false, arg(t).atom());
            case "THREADID" -> new SearchKey.ObjectId(true, arg(t).atom());
            case "LARGER" -> new SearchKey.Size(true, arg(t).number());
            case "SMALLER" -> new SearchKey.Size(false, arg(t).number());
            case "UID" -> new SearchKey.Uid(arg(t).sequenceSet());
            case "MODSEQ" -> {
                t.sp();
                if (t.peek() == '"') {
                    // RFC 7162 §3.1.5: optional entry-name and entry-type-req; we keep one MODSEQ per message
                    t.quoted();
                    t.sp();
                    t.atom();
                    t.sp();
                }
                yield new SearchKey.ModSeq(t.modSeq());
            }
            case "NOT" -> new SearchKey.Not(key(arg(t), depth + 1));
            case "OR" -> {
                SearchKey left = key(arg(t), depth + 1);
                yield new SearchKey.Or(left, key(arg(t), depth + 1));
            }
            default -> throw Tokens.error("unknown search key");
        };
    }

    private static Tokens arg(Tokens t) {
        t.sp();
        return t;
    }

    private static String capitalized(String word) {
        return word.charAt(0) + word.substring(1).toLowerCase(Locale.ROOT);
    }

    private static SearchKey date(Tokens t, SearchKey.DateField field, SearchKey.Comparison comparison) {
        t.sp();
        String text = t.peek() == '"' ? t.quoted() : t.atom();
        return new SearchKey.Date(field, comparison, Dates.parseDate(text));
    }
}
