package jotmai.message;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a raw message one line at a time and remembers where each line starts, so the MIME parser can
 * compute exact absolute byte offsets without holding the message in memory.
 *
 * <p>A line ends with LF or CRLF (LF-only mail is common; a bare CR is ordinary content). Only the first
 * {@link #MAX_KEPT_LINE_BYTES} octets of a line are kept; the rest is skipped but counted, so memory
 * is bounded whatever the message contains (a 25 MB base64 attachment with no line breaks included).
 *
 * <p>The reader keeps the current line and a few facts about the previous one, because RFC 2046 §5.1.1
 * says the CRLF before a boundary delimiter belongs to the delimiter: a part ends before the previous
 * line's terminator.
 */
final class LineReader {
    /** Longest prefix of a line that is kept; boundaries are at most 70 + 4 octets (RFC 2046 §5.1.1). */
    static final int MAX_KEPT_LINE_BYTES = 16 * 1024;

    private static final int BUFFER_SIZE = 8 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int bufferPos;
    private int bufferLimit;
    private boolean streamEnded;

    /** Absolute offset of the next unread octet. */
    private long position;
    /** LF octets consumed so far, i.e. completed lines. */
    private long lineFeeds;

    // The current line.
    private byte[] content = new byte[256]; // grows up to MAX_KEPT_LINE_BYTES
    private int keptLength;
    private long start;
    private long length;
    private int terminatorLength;
    private boolean atEnd;

    // The previous line (needed for "the CRLF before a boundary belongs to the boundary").
    private long previousStart = -1;
    private long previousLength;
    private int previousTerminatorLength;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Advances to the next line. Returns false, and {@link #atEnd()} becomes true, when the input is
     * exhausted and no octet is left for a line.
     */
    boolean next() throws IOException {
        if (atEnd) {
            return false;
        }
        if (hasLine) {
            previousStart = start;
            previousLength = length;
            previousTerminatorLength = terminatorLength;
        }
        hasLine = true;
        start = position;
        length = 0;
        keptLength = 0;
        terminatorLength = 0;
        int lastByte = -1;
        while (true) {
            if (bufferPos == bufferLimit && !fill()) {
                break;
            }
            // Scan the buffer for the line feed in a tight loop, then copy what is kept in bulk.
            byte[] buf = buffer;
            int from = bufferPos;
            int limit = bufferLimit;
            int i = from;
            while (i < limit && buf[i] != '\n') {
                i++;
            }
            int n = i - from;
            if (n > 0) {
                keep(buf, from, n);
                length += n;
                position += n;
                lastByte = buf[i - 1];
            }
            if (i < limit) {
                bufferPos = i + 1;
                position++;
                lineFeeds++;
                if (lastByte == '\r') {
                    if (keptLength == length) {
                        keptLength--;
                    }
                    length--;
                    terminatorLength = 2;
                } else {
                    terminatorLength = 1;
                }
                return true;
            }
            bufferPos = limit;
        }
        if (length == 0) {
            atEnd = true;
            start = position;
            return false;
        }
        return true;
    }

    private boolean hasLine;

    /** Keeps up to {@link #MAX_KEPT_LINE_BYTES} of the line, growing the buffer as needed. */
    private void keep(byte[] source, int from, int n) {
        int room = MAX_KEPT_LINE_BYTES - keptLength;
        int take = Math.min(room, n);
        if (take <= 0) {
            return;
        }
        if (keptLength + take > content.length) {
            int size = content.length;
            while (size < keptLength + take) {
                size *= 2;
            }
            content = java.util.Arrays.copyOf(content, Math.min(MAX_KEPT_LINE_BYTES, size));
        }
        System.arraycopy(source, from, content, keptLength, take);
        keptLength += take;
    }

    private boolean fill() throws IOException {
        if (streamEnded) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        while (n == 0) {
            n = in.read(buffer, 0, buffer.length);
        }
        if (n < 0) {
            streamEnded = true;
            return false;
        }
        bufferPos = 0;
        bufferLimit = n;
        return true;
    }

    /** True once the input is exhausted; the current line is then empty and starts at the end. */
    boolean atEnd() {
        return atEnd;
    }

    /** Absolute offset where the current line starts (the message size when at end). */
    long start() {
        return start;
    }

    /** Octets of the current line without its terminator (may exceed what is kept). */
    long length() {
        return length;
    }

    /** 0 (last line without a line break), 1 (LF) or 2 (CRLF). */
    int terminatorLength() {
        return terminatorLength;
    }

    /** Absolute offset just after the current line including its terminator. */
    long end() {
        return start + length + terminatorLength;
    }

    /** LF octets before the start of the current line. */
    long lineFeedsBefore() {
        return atEnd ? lineFeeds : lineFeeds - (terminatorLength > 0 ? 1 : 0);
    }

    /** True when the current line is empty (just a line break): the end of a header block. */
    boolean isBlank() {
        return !atEnd && length == 0;
    }

    /** The kept prefix of the current line. Valid until the next call to {@link #next()}. */
    byte[] content() {
        return content;
    }

    int keptLength() {
        return keptLength;
    }

    /**
     * Where a part that stops at the current line ends: at the end of input, the message size; at a
     * boundary line, before the previous line's terminator (RFC 2046 §5.1.1: that CRLF belongs to the
     * delimiter).
     */
    long partEnd() {
        return atEnd ? position : start - previousTerminatorLength;
    }

    /** LF octets before {@link #partEnd()}. */
    long lineFeedsBeforePartEnd() {
        return atEnd ? lineFeeds : lineFeedsBefore() - (previousTerminatorLength > 0 ? 1 : 0);
    }

    /** Where the previous line started, or -1 if there was none. */
    long previousStart() {
        return previousStart;
    }

    long previousLength() {
        return previousLength;
    }

    int previousTerminatorLength() {
        return previousTerminatorLength;
    }

    /** Total octets read so far; after the last line this is the message size. */
    long position() {
        return position;
    }

    static String ascii(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
