package jotmai.message;

import java.util.List;

/**
 * Everything learned from parsing a message once at delivery.
 *
 * @param size     total octets of the raw message
 * @param envelope ENVELOPE of the top-level header
 * @param body     MIME structure of the whole message (root: headerOffset 0)
 * @param headers  top-level header fields in order
 */
public record ParsedMessage(long size, Envelope envelope, BodyPart body, List<HeaderField> headers) {}
