package jotmai.message;

import java.util.List;

/**
 * One node of the MIME tree, with everything IMAP's BODYSTRUCTURE needs (RFC 9051 §7.5.2) and the byte
 * offsets that let a protocol serve the part without parsing the message again.
 *
 * <p>Offsets are absolute positions in the raw message: {@code headerOffset} is where this part's MIME
 * header starts (for the root, 0), {@code bodyOffset} where its body starts (after the empty line),
 * {@code bodyLength} the octets of the body. So BODY[n.MIME] is [headerOffset, bodyOffset) and BODY[n]
 * is [bodyOffset, bodyOffset+bodyLength).
 *
 * @param type         media type, e.g. "text", as written (case preserved); "text" when absent
 * @param subtype      e.g. "plain"
 * @param params       content-type parameters in order (RFC 2231 continuations joined, extended values
 *                     decoded to Unicode; RFC 2047 words inside quoted values are left as written)
 * @param contentId    Content-ID or null
 * @param description  Content-Description or null
 * @param encoding     Content-Transfer-Encoding as written, "7BIT" when absent
 * @param bodyLines    line feeds in the body (text/* and message/rfc822 only; 0 otherwise). An
 *                     unterminated last line is not counted, as in Dovecot
 * @param md5          Content-MD5 or null
 * @param disposition  Content-Disposition or null
 * @param language     Content-Language values, empty when absent
 * @param location     Content-Location or null
 * @param parts        children of a multipart, empty otherwise
 * @param message      for message/rfc822 (and message/global): the embedded message, else null
 */
public record BodyPart(
        String type,
        String subtype,
        List<Param> params,
        String contentId,
        String description,
        String encoding,
        long headerOffset,
        long bodyOffset,
        long bodyLength,
        long bodyLines,
        String md5,
        Disposition disposition,
        List<String> language,
        String location,
        List<BodyPart> parts,
        EmbeddedMessage message) {

    public boolean isMultipart() {
        return type.equalsIgnoreCase("multipart");
    }

    /** A content-type or disposition parameter. */
    public record Param(String name, String value) {}

    /** Content-Disposition (RFC 2183): type and parameters. */
    public record Disposition(String type, List<Param> params) {}

    /** The message inside a message/rfc822 part: its envelope and structure (offsets absolute). */
    public record EmbeddedMessage(Envelope envelope, BodyPart body, List<HeaderField> headers) {}
}
