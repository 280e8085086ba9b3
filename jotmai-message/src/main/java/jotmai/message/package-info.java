/**
 * The parse-once message model. At delivery a message is parsed once (mime4j) into a
 * {@link jotmai.message.ParsedMessage}: envelope, MIME body structure with byte offsets into the raw
 * message, and the top-level header index. Protocols serve ENVELOPE, BODYSTRUCTURE, any MIME part
 * or byte range, and header searches from this record without parsing the message again.
 *
 * <p>Depends on mime4j only; knows nothing about stores or protocols.
 */
package jotmai.message;
