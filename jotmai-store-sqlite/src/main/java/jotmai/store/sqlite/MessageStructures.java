package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;

import jotmai.message.MessageParser;
import jotmai.message.ParsedMessage;
import jotmai.message.StructureCodec;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * The one place that parses messages and encodes/decodes their structure with jotmai.message: parse
 * once at append ({@link MessageParser}), store {@link StructureCodec#encode}; decoding on demand is
 * shared with the other backend in {@link jotmai.store.support.StoredStructures}.
 */
final class MessageStructures {

    private MessageStructures() {}

    /** Parses the message once and returns its encoded structure. */
    static byte[] parseAndEncode(MessageSource source) {
        ParsedMessage parsed;
        try (InputStream in = source.open()) {
            parsed = MessageParser.parse(in);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to parse it", e);
        }
        return StructureCodec.encode(parsed);
    }
}
