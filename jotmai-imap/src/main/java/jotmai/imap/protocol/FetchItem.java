package jotmai.imap.protocol;

import java.util.List;
import java.util.stream.Collectors;

/** One fetch-att of FETCH (RFC 9051 §6.4.5); macros (ALL, FAST, FULL) are expanded by the parser. */
public sealed interface FetchItem {

    record Flags() implements FetchItem {}

    record InternalDate() implements FetchItem {}

    record Rfc822Size() implements FetchItem {}

    record Envelope() implements FetchItem {}

    /** BODY (extended=false) or BODYSTRUCTURE (extended=true). */
    record Structure(boolean extended) implements FetchItem {}

    record Uid() implements FetchItem {}

    /** RFC 7162 §3.1.4.1 MODSEQ. */
    record ModSeq() implements FetchItem {}

    /** RFC 8474 §5 EMAILID and THREADID. */
    record EmailId() implements FetchItem {}

    record ThreadId() implements FetchItem {}

    /** RFC 8514 §4 SAVEDATE. */
    record SaveDate() implements FetchItem {}

    /** RFC 3501 RFC822, RFC822.HEADER, RFC822.TEXT: BODY[], BODY.PEEK[HEADER], BODY[TEXT] named as such. */
    record Rfc822(Section.Text text) implements FetchItem {}

    /** BODY[section]&lt;partial&gt; and BODY.PEEK. */
    record BodySection(Section section, Partial partial, boolean peek) implements FetchItem {}

    /** RFC 3516 BINARY[part]&lt;partial&gt; and BINARY.PEEK: decoded content. */
    record Binary(List<Integer> part, Partial partial, boolean peek) implements FetchItem {}

    /** RFC 3516 BINARY.SIZE[part]. */
    record BinarySize(List<Integer> part) implements FetchItem {}

    /** &lt;offset.length&gt;; length may be absent only in responses. */
    record Partial(long offset, long length) {}

    /**
     * section-spec: part numbers, then an optional text specifier.
     *
     * @param fields header field names for HEADER.FIELDS(.NOT), as the client wrote them
     */
    record Section(List<Integer> part, Text text, List<String> fields) {
        public enum Text { NONE, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

        public Section {
            part = List.copyOf(part);
            fields = List.copyOf(fields);
        }

        /** The section as echoed in the response, e.g. "1.2.HEADER.FIELDS (SUBJECT)". */
        public String toWire() {
            String parts = part.stream().map(String::valueOf).collect(Collectors.joining("."));
            String t = switch (text) {
                case NONE -> "";
                case HEADER -> "HEADER";
                case HEADER_FIELDS -> "HEADER.FIELDS";
                case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT";
                case TEXT -> "TEXT";
                case MIME -> "MIME";
            };
            String s = parts.isEmpty() || t.isEmpty() ? parts + t : parts + "." + t;
            if (text == Text.HEADER_FIELDS || text == Text.HEADER_FIELDS_NOT) {
                s += " (" + String.join(" ", fields) + ")";
            }
            return s;
        }
    }

    /** Whether fetching this item sets \Seen (RFC 9051 §6.4.5). */
    default boolean setsSeen() {
        return switch (this) {
            case BodySection b -> !b.peek();
            case Binary b -> !b.peek();
            case Rfc822 r -> r.text() != Section.Text.HEADER;
            default -> false;
        };
    }
}
