package jotmai.store;

/**
 * Which text of a message a {@link MailStore#searchText} lookup searches (RFC 9051 §6.4.4), all of it
 * decoded (RFC 2047 words, transfer encodings, charsets) and compared case-insensitively as
 * {@link jotmai.message.BodyText#containsIgnoreCase} does:
 * <ul>
 *   <li>{@link #HEADERS}: each top-level header field as the line {@code "Name: decoded value"} (a
 *       needle matches within one field, never across two);</li>
 *   <li>{@link #BODY}: the text of each text/* part with a known transfer encoding, recursing into
 *       multiparts and attached messages (within one part, never across two) — SEARCH BODY;</li>
 *   <li>{@link #ALL}: either of them — SEARCH TEXT.</li>
 * </ul>
 */
public enum TextField {
    HEADERS, BODY, ALL
}
