package jotmai.store.support;

import java.io.IOException;
import java.io.InputStream;

import jotmai.message.MessageParser;
import jotmai.message.ParsedMessage;
import jotmai.message.StructureCodec;
import jotmai.store.StoreException;

/**
 * Reading back the structure a backend stored at append ({@link StructureCodec#encode}). Shared so that
 * every backend falls back the same way: the message bytes are the truth, the stored structure a cache.
 */
public final class StoredStructures {

    private StoredStructures() {}

    /** Opens the stored message bytes, for the reparse fallback. */
    @FunctionalInterface
    public interface ContentOpener {
        InputStream open() throws IOException;
    }

    /**
     * Decodes a stored structure. Blobs stored without one (null or empty: queued messages) or with one
     * this codec version cannot read are parsed from {@code content} instead.
     */
    public static ParsedMessage decode(byte[] encoded, ContentOpener content) {
        if (encoded != null && encoded.length > 0) {
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
}
