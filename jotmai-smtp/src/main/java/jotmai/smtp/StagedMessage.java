package jotmai.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jotmai.store.MessageSource;

/**
 * A message being received, staged in a temporary file (never an unbounded byte[]). The file starts
 * with the Return-Path line, then the Received line, then the client's content. Local delivery gets
 * the whole file; the outbound queue gets it without Return-Path, which only the final delivery adds
 * (RFC 5321 §4.4). Closing deletes the file if the store did not take it.
 */
final class StagedMessage implements AutoCloseable {
    private final Path file;
    private final OutputStream out;
    private final long returnPathLength;
    private long contentLength;
    private boolean finished;

    StagedMessage(Path directory, String returnPath, String received) throws IOException {
        this.file = Files.createTempFile(directory, "smtp-", ".eml");
        this.out = new BufferedOutputStream(Files.newOutputStream(file), 16 * 1024);
        byte[] rp = returnPath.getBytes(StandardCharsets.UTF_8);
        byte[] rc = received.getBytes(StandardCharsets.UTF_8);
        out.write(rp);
        out.write(rc);
        this.returnPathLength = rp.length;
    }

    /** Where the client's content goes; counts what is written. */
    OutputStream content() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                contentLength++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                contentLength += len;
            }
        };
    }

    long contentLength() {
        return contentLength;
    }

    void finish() throws IOException {
        if (!finished) {
            finished = true;
            out.close();
        }
    }

    /** Return-Path + Received + content, for mailboxes. */
    MessageSource forMailbox() {
        return MessageSource.ofFile(file);
    }

    /** Received + content, for the outbound queue. */
    MessageSource forQueue() {
        long size;
        try {
            size = Files.size(file) - returnPathLength;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MessageSource() {
            @Override
            public InputStream open() throws IOException {
                InputStream in = Files.newInputStream(file);
                in.skipNBytes(returnPathLength);
                return in;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public Optional<Path> file() {
                return Optional.empty();
            }
        };
    }

    @Override
    public void close() {
        try {
            finish();
        } catch (IOException ignored) {
            // the file is deleted next anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temp file is not worth failing the session for
        }
    }
}
