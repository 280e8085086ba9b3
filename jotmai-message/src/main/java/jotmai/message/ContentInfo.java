package jotmai.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Content-* fields of one MIME part, interpreted with the RFC 2045 defaults: no (or an invalid)
 * Content-Type means {@code text/plain; charset=us-ascii} (§5.2), inside multipart/digest it means
 * message/rfc822 (RFC 2046 §5.1.5); no Content-Transfer-Encoding means 7BIT (§6.1).
 */
record ContentInfo(
        String type,
        String subtype,
        List<BodyPart.Param> params,
        String contentId,
        String description,
        String encoding,
        String md5,
        BodyPart.Disposition disposition,
        List<String> language,
        String location) {

    static final List<BodyPart.Param> DEFAULT_TEXT_PARAMS = List.of(new BodyPart.Param("charset", "us-ascii"));

    static ContentInfo of(HeaderBlock header, boolean inDigest) {
        String type = inDigest ? "message" : "text";
        String subtype = inDigest ? "rfc822" : "plain";
        List<BodyPart.Param> params = inDigest ? List.of() : DEFAULT_TEXT_PARAMS;
        String rawType = header.first("Content-Type");
        if (rawType != null) {
            MimeParams.Parsed parsed = MimeParams.parse(rawType);
            int slash = parsed.value().indexOf('/');
            if (slash > 0 && slash < parsed.value().length() - 1 && isToken(parsed.value())) {
                type = parsed.value().substring(0, slash);
                subtype = parsed.value().substring(slash + 1);
                params = parsed.params();
            } else {
                type = "text";
                subtype = "plain";
                params = DEFAULT_TEXT_PARAMS;
            }
        }
        String encoding = Text.unfoldTrim(header.first("Content-Transfer-Encoding"));
        encoding = encoding == null ? "" : MimeParams.stripComments(encoding).strip();
        if (encoding.isEmpty()) {
            encoding = "7BIT";
        }
        BodyPart.Disposition disposition = null;
        String rawDisposition = header.first("Content-Disposition");
        if (rawDisposition != null) {
            MimeParams.Parsed parsed = MimeParams.parse(rawDisposition);
            if (!parsed.value().isEmpty()) {
                disposition = new BodyPart.Disposition(parsed.value(), parsed.params());
            }
        }
        return new ContentInfo(type, subtype, params,
                Text.unfoldTrim(header.first("Content-ID")),
                Text.unfoldTrim(header.first("Content-Description")),
                encoding,
                Text.unfoldTrim(header.first("Content-MD5")),
                disposition,
                languages(header.first("Content-Language")),
                Text.unfoldTrim(header.first("Content-Location")));
    }

    /** The same part seen as text/plain (used when a multipart turns out to have no parts). */
    ContentInfo asTextPlain() {
        return new ContentInfo("text", "plain", DEFAULT_TEXT_PARAMS, contentId, description, encoding, md5,
                disposition, language, location);
    }

    String param(String name) {
        for (BodyPart.Param p : params) {
            if (p.name().equalsIgnoreCase(name)) {
                return p.value();
            }
        }
        return null;
    }

    boolean is(String wantedType) {
        return type.equalsIgnoreCase(wantedType);
    }

    boolean is(String wantedType, String wantedSubtype) {
        return type.equalsIgnoreCase(wantedType) && subtype.equalsIgnoreCase(wantedSubtype);
    }

    /** RFC 2045 §6.4: only identity encodings can carry a parseable embedded entity. */
    boolean hasIdentityEncoding() {
        String e = encoding.toLowerCase(Locale.ROOT);
        return e.equals("7bit") || e.equals("8bit") || e.equals("binary");
    }

    private static boolean isToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"[]?=".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static List<String> languages(String raw) {
        if (raw == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String piece : MimeParams.stripComments(Text.unfold(raw)).split(",")) {
            String tag = piece.strip();
            if (!tag.isEmpty() && out.size() < MimeParams.MAX_PARAMS) {
                out.add(tag);
            }
        }
        return List.copyOf(out);
    }
}
