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
 * once at append ({@link MessageParser}), store {@link StructureCodec#encode}, decode on demand.
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

    /**
     * Decodes a stored structure. Blobs stored without one (queued messages) or with one this codec
     * version cannot read are parsed from {@code content} instead.
     */
    static ParsedMessage decode(byte[] encoded, ContentOpener content) {
        if (encoded.length > 0) {
            try {
                return StructureCodec.decode(encoded);
            } catch (IllegalArgumentException e) {
                // written by another codec version: the bytes are the truth, parse them again
            }
        }
        try (InputStream in = content.open()) {
            return MessageParser.parse(in);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to parse it", e);
        }
    }

    @FunctionalInterface
    interface ContentOpener {
        InputStream open() throws IOException;
    }
}
