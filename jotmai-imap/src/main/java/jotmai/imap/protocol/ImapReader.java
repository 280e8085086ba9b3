package jotmai.imap.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads IMAP commands from a client: lines ending in CRLF (a bare LF is accepted) and the literals
 * announced at their end (RFC 9051 §4.3 "{n}", RFC 7888 "{n+}", RFC 3516 literal8 "~{n}"). Literals
 * above a threshold are streamed to a temporary file; every size is bounded by {@link ReaderLimits}.
 *
 * <p>Used by one thread at a time (the session thread, or its IDLE helper while the session waits).
 */
public final class ImapReader {
    /** A line longer than the limit is skipped up to its end, but not further than this. */
    static final long MAX_DISCARD = 1024 * 1024;

    /** Called before a literal's octets are read: may refuse it, must send "+" for a synchronizing one. */
    public interface LiteralListener {
        void beforeLiteral(String tag, long size, boolean synchronizing);
    }

    private InputStream in;
    /** Small: thousands of idle sessions each hold one (the connection buffers in front of it). */
    private final byte[] buf = new byte[4 * 1024];
    private int pos;
    private int limit;
    private final Path spoolDir;
    private String currentTag = "*";
    private boolean readingCommandStart;
    /** While {@link LiteralListener#beforeLiteral} runs: the line text before the announced literal. */
    private String lineBeforeLiteral = "";
    /** While {@link LiteralListener#beforeLiteral} runs: 0 for the command's first literal, then 1, 2... */
    private int literalIndex;

    public ImapReader(InputStream in, Path spoolDir) {
        this.in = in;
        this.spoolDir = spoolDir;
    }

    /** After STARTTLS: read from the new stream and drop anything buffered (RFC 9051 §6.2.1). */
    public void reset(InputStream newIn) {
        this.in = newIn;
        pos = limit = 0;
    }

    /**
     * Takes the bytes read from the stream but not yet consumed (e.g. data a client pipelined after
     * COMPRESS, which is already compressed and must go through the new stream).
     */
    public byte[] takeBuffered() {
        byte[] rest = java.util.Arrays.copyOfRange(buf, pos, limit);
        pos = limit = 0;
        return rest;
    }

    /**
     * Blocks until input is buffered, without consuming it; false at end of stream. Lets a helper thread
     * wait for the next command while the session thread writes RFC 5465 notifications; the session
     * reads the command only after the helper returned (one reader at a time).
     */
    public boolean awaitInput() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** Whether bytes the client pipelined are already waiting (used to refuse pipelined STARTTLS data). */
    public boolean hasBufferedInput() {
        return pos < limit;
    }

    /**
     * For a {@link LiteralListener}: the text of the current line before the literal being announced
     * (for the first literal that is the command's start, e.g. "a APPEND Drafts (\\Seen) ").
     */
    public String lineBeforeLiteral() {
        return lineBeforeLiteral;
    }

    /** For a {@link LiteralListener}: the index of the literal being announced within its command. */
    public int literalIndex() {
        return literalIndex;
    }

    /** Tag of the command being read, "*" before one was seen; for error replies. */
    public String currentTag() {
        return currentTag;
    }

    private int readByte() throws IOException {
        if (pos == limit) {
            int n = in.read(buf, 0, buf.length);
            if (n <= 0) {
                return -1;
            }
            pos = 0;
            limit = n;
        }
        return buf[pos++] & 0xff;
    }

    /**
     * Reads one line without its CRLF. Returns null at end of stream before any byte. A line longer
     * than {@code maxLength} is consumed and reported as BAD [TOOBIG]; one longer than
     * {@link #MAX_DISCARD} ends the session.
     */
    public byte[] readLineBytes(int maxLength) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        long total = 0;
        while (true) {
            int b = readByte();
            if (b < 0) {
                if (total == 0) {
                    return null;
                }
                throw new EOFException("connection closed mid-line");
            }
            if (b == '\n') {
                break;
            }
            total++;
            if (total <= maxLength + 1) {
                line.write(b);
            } else if (total > MAX_DISCARD) {
                throw new ImapException.Bye("line too long");
            }
        }
        byte[] bytes = line.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        if (total > maxLength + 1) {
            if (readingCommandStart) {
                currentTag = tagOf(bytes);
            }
            throw new ImapException.Bad(ResponseCode.TOOBIG, "line too long");
        }
        if (len != bytes.length) {
            byte[] trimmed = new byte[len];
            System.arraycopy(bytes, 0, trimmed, 0, len);
            return trimmed;
        }
        return bytes;
    }

    /** Reads one line as UTF-8 text (IDLE's DONE, AUTHENTICATE responses); null at end of stream. */
    public String readLine(int maxLength) throws IOException {
        byte[] b = readLineBytes(maxLength);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Reads one whole command with its literals. Returns null at end of stream. On a limit violation
     * throws {@link ImapException} after consuming what belongs to the command where that is possible;
     * {@link #currentTag()} tells the tag to answer.
     */
    public RawCommand readCommand(ReaderLimits limits, LiteralListener listener) throws IOException {
        currentTag = "*";
        readingCommandStart = true;
        byte[] line;
        try {
            line = readLineBytes(limits.maxLineLength());
        } finally {
            readingCommandStart = false;
        }
        if (line == null) {
            return null;
        }
        currentTag = tagOf(line);
        List<RawCommand.Part> parts = new ArrayList<>();
        long literalTotal = 0;
        boolean ok = false;
        try {
            while (true) {
                LiteralSpec spec = LiteralSpec.at(line);
                if (spec == null) {
                    parts.add(new RawCommand.Part.Text(new String(line, StandardCharsets.UTF_8)));
                    ok = true;
                    return new RawCommand(currentTag, parts);
                }
                String before = new String(line, 0, spec.start(), StandardCharsets.UTF_8);
                parts.add(new RawCommand.Part.Text(before));
                literalTotal += spec.size();
                int literalCount = (int) parts.stream().filter(p -> p instanceof RawCommand.Part.Lit).count() + 1;
                String problem = spec.size() > limits.maxLiteralSize() ? "literal too big"
                        : literalTotal > limits.maxCommandSize() ? "command too big"
                        : literalCount > limits.maxLiterals() ? "too many literals" : null;
                if (problem != null) {
                    if (!spec.synchronizing()) {
                        // RFC 7888 §4: the octets are already on their way; we will not read them.
                        throw new ImapException.Bye(problem);
                    }
                    // RFC 7889 §4 (APPENDLIMIT) and RFC 9051 §7.1: NO [TOOBIG]; the client never sends the octets
                    throw new ImapException.No(ResponseCode.TOOBIG, problem);
                }
                lineBeforeLiteral = before;
                literalIndex = literalCount - 1;
                listener.beforeLiteral(currentTag, spec.size(), spec.synchronizing());
                parts.add(new RawCommand.Part.Lit(readLiteral(spec.size(), spec.binary(), limits.spoolThreshold())));
                line = readLineBytes(limits.maxLineLength());
                if (line == null) {
                    throw new EOFException("connection closed after a literal");
                }
            }
        } finally {
            if (!ok) {
                new RawCommand(currentTag, parts).close();
            }
        }
    }

    private Literal readLiteral(long size, boolean binary, int spoolThreshold) throws IOException {
        if (size <= spoolThreshold) {
            byte[] data = new byte[(int) size];
            readFully(data, 0, data.length);
            return Literal.inMemory(data, binary);
        }
        Path file = Files.createTempFile(spoolDir, "literal-", ".tmp");
        boolean done = false;
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[64 * 1024];
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(chunk.length, left);
                readFully(chunk, 0, n);
                out.write(chunk, 0, n);
                left -= n;
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
            }
        }
        return Literal.inFile(file, size, binary);
    }

    private void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) {
                    throw new EOFException("connection closed mid-literal");
                }
                pos = 0;
                limit = n;
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    private static String tagOf(byte[] line) {
        int end = 0;
        while (end < line.length && line[end] != ' ' && end < 64) {
            end++;
        }
        String tag = new String(line, 0, end, StandardCharsets.US_ASCII);
        return Tags.isValid(tag) ? tag : "*";
    }

    /** A literal announcement at the end of a line. */
    record LiteralSpec(int start, long size, boolean synchronizing, boolean binary) {
        static LiteralSpec at(byte[] line) {
            int i = line.length - 1;
            if (i < 2 || line[i] != '}') {
                return null;
            }
            i--;
            boolean sync = true;
            if (line[i] == '+') {
                sync = false;
                i--;
            }
            int digitsEnd = i;
            while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
                i--;
            }
            if (i < 0 || line[i] != '{' || digitsEnd == i || digitsEnd - i > 12) {
                return null;
            }
            long size = Long.parseLong(new String(line, i + 1, digitsEnd - i, StandardCharsets.US_ASCII));
            boolean binary = i > 0 && line[i - 1] == '~';
            return new LiteralSpec(binary ? i - 1 : i, size, sync, binary);
        }
    }
}
