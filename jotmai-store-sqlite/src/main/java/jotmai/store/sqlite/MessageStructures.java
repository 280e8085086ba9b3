package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;

import jotmai.message.MessageParser;
import jotmai.message.ParsedMessage;
import jotmai.message.StructureCodec;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.support.ThreadKeys;

/**
 * The one place that parses messages and encodes/decodes their structure with jotmai.message: parse
 * once at append ({@link MessageParser}), store {@link StructureCodec#encode}; decoding on demand is
 * shared with the other backend in {@link jotmai.store.support.StoredStructures}.
 */
final class MessageStructures {

    private MessageStructures() {}

    /** What an append needs from the one parse: the encoded structure and the thread keys. */
    record Parsed(byte[] structure, ThreadKeys threadKeys) {}

    /** Parses the message once and returns its encoded structure. */
    static byte[] parseAndEncode(MessageSource source) {
        return parse(source).structure();
    }

    /** Parses the message once: encoded structure and the ids that place it in a thread (RFC 8474 §5.2). */
    static Parsed parse(MessageSource source) {
        ParsedMessage parsed;
        try (InputStream in = source.open()) {
            parsed = MessageParser.parse(in);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to parse it", e);
        }
        return new Parsed(StructureCodec.encode(parsed), ThreadKeys.of(parsed));
    }
}
