/**
 * The parse-once message model. At delivery a message is parsed once, streaming, by
 * {@link jotmai.message.MessageParser} into a {@link jotmai.message.ParsedMessage}: envelope, MIME body
 * structure with exact byte offsets into the raw message, and the top-level header fields. The store
 * keeps it next to the message in the compact binary form of {@link jotmai.message.StructureCodec}.
 * Protocols serve ENVELOPE, BODYSTRUCTURE, any MIME part or byte range, and header searches from this
 * record without parsing the message again.
 *
 * <p>For SEARCH and BINARY, {@link jotmai.message.HeaderDecoder} decodes RFC 2047 header values and
 * {@link jotmai.message.BodyText} decodes a part's body (transfer encoding, charset) as a stream and
 * matches text case-insensitively in any script.
 *
 * <p>Depends on nothing but the JDK; knows nothing about stores or protocols. Everything here is
 * lenient with broken mail and bounded in memory; only I/O errors of the caller's stream propagate.
 */
package jotmai.message;
