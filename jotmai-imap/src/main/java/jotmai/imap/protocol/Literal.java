package jotmai.imap.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The octets of one literal (RFC 9051 §4.3): small ones in memory, large ones in a temporary file
 * (the reader decides by a threshold, so memory per command stays bounded). Close it to delete the file.
 *
 * @param binary true for a literal8 ("~{n}", RFC 3516), which may contain NUL
 */
public final class Literal implements AutoCloseable {
    private final byte[] bytes;
    private final Path file;
    private final long size;
    private final boolean binary;

    private Literal(byte[] bytes, Path file, long size, boolean binary) {
        this.bytes = bytes;
        this.file = file;
        this.size = size;
        this.binary = binary;
    }

    public static Literal inMemory(byte[] bytes, boolean binary) {
        return new Literal(bytes, null, bytes.length, binary);
    }

    public static Literal inFile(Path file, long size, boolean binary) {
        return new Literal(null, file, size, binary);
    }

    public long size() {
        return size;
    }

    public boolean binary() {
        return binary;
    }

    /** The temporary file, when the literal was spooled to disk. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The in-memory bytes, when not spooled. */
    public Optional<byte[]> bytes() {
        return Optional.ofNullable(bytes);
    }

    public InputStream open() throws IOException {
        return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /** The literal as text (for literals used as strings; those are small by construction). */
    public String asString() {
        try {
            byte[] b = bytes != null ? bytes : Files.readAllBytes(file);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless; the temp dir is cleaned by the OS
            }
        }
    }
}
