package jotmai.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jotmai.message.MessageParser;
import jotmai.message.ParsedMessage;
import jotmai.message.StructureCodec;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.support.ThreadKeys;

/**
 * Parse once at append: one pass over the message computes its structure ({@link MessageParser},
 * stored as {@link StructureCodec#encode}) and its SHA-256 (the blob id), on the caller's thread
 * before any transaction starts.
 */
final class MessageStructures {

    private MessageStructures() {}

    /**
     * A message ready to store: blob id, size, encoded structure and the ids that place it in a thread
     * (RFC 8474 §5.2; {@link ThreadKeys#NONE} for queue-only blobs).
     */
    record Prepared(String blobId, long size, byte[] structure, ThreadKeys threadKeys) {}

    static Prepared prepare(MessageSource source) {
        MessageDigest sha = sha256();
        ParsedMessage parsed;
        try (InputStream in = new DigestInputStream(source.open(), sha)) {
            parsed = MessageParser.parse(in);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to parse it", e);
        }
        if (parsed.size() != source.size()) {
            throw new StoreException.Invalid("message size " + parsed.size() + " differs from the announced "
                    + source.size());
        }
        return new Prepared(HexFormat.of().formatHex(sha.digest()), parsed.size(), StructureCodec.encode(parsed),
                ThreadKeys.of(parsed));
    }

    /** Hash only (queued messages are not parsed). */
    static Prepared hashOnly(MessageSource source) {
        MessageDigest sha = sha256();
        long size;
        try (InputStream in = new DigestInputStream(source.open(), sha)) {
            size = in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message", e);
        }
        return new Prepared(HexFormat.of().formatHex(sha.digest()), size, null, ThreadKeys.NONE);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
