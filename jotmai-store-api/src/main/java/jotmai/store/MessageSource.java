package jotmai.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The raw bytes of a message to append or deliver. Protocols stream DATA/APPEND literals to a staging
 * file (never to an unbounded byte[]) and hand it over as {@link #ofFile}; a backend may then move or
 * link the file instead of copying it.
 */
public interface MessageSource {

    InputStream open() throws IOException;

    long size();

    /** The staged file, when there is one. */
    default Optional<Path> file() {
        return Optional.empty();
    }

    static MessageSource ofBytes(byte[] bytes) {
        return new MessageSource() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }

    static MessageSource ofFile(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MessageSource() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public Optional<Path> file() {
                return Optional.of(file);
            }
        };
    }
}
