package jotmai.message;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Lenient base64 (RFC 2045 §6.8) for mail as it is, not as it should be: characters outside the
 * alphabet (line breaks, spaces, junk) are ignored as §6.8 asks; "=" ends a quantum early, so blocks
 * concatenated with their padding still decode; a truncated last quantum yields the octets it holds.
 * Never throws on bad data.
 */
final class Base64Decoding {
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
        // base64url letters are accepted too; some generators use them by mistake
        VALUES['-'] = 62;
        VALUES['_'] = 63;
    }

    private Base64Decoding() {}

    /** Decoder state: up to three pending sextets. */
    static final class State {
        private int bits;
        private int count;

        /** Feeds one input character; writes 0..3 octets to {@code out} (array of 3), returns how many. */
        int feed(int c, byte[] out) {
            if (c == '=') {
                return finish(out);
            }
            int v = c >= 0 && c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                return 0;
            }
            bits = bits << 6 | v;
            if (++count == 4) {
                out[0] = (byte) (bits >> 16);
                out[1] = (byte) (bits >> 8);
                out[2] = (byte) bits;
                bits = 0;
                count = 0;
                return 3;
            }
            return 0;
        }

        /** End of data or padding: two pending sextets make one octet, three make two. */
        int finish(byte[] out) {
            int n = 0;
            if (count == 2) {
                out[0] = (byte) (bits >> 4);
                n = 1;
            } else if (count == 3) {
                out[0] = (byte) (bits >> 10);
                out[1] = (byte) (bits >> 2);
                n = 2;
            }
            bits = 0;
            count = 0;
            return n;
        }
    }

    static void decode(CharSequence text, ByteArrayOutputStream out) {
        State state = new State();
        byte[] octets = new byte[3];
        for (int i = 0; i < text.length(); i++) {
            out.write(octets, 0, state.feed(text.charAt(i), octets));
        }
        out.write(octets, 0, state.finish(octets));
    }

    /** Streams decoded octets from base64 text. */
    static final class DecodingStream extends FilterInputStream {
        private final State state = new State();
        private final byte[] octets = new byte[3];
        private final byte[] chunk = new byte[8192];
        private int octetPos;
        private int octetCount;
        private int chunkPos;
        private int chunkCount;
        private boolean ended;

        DecodingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            while (octetPos == octetCount) {
                if (!refill()) {
                    return -1;
                }
            }
            return octets[octetPos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (octetPos == octetCount) {
                    if (n > 0 && chunkPos == chunkCount) {
                        break; // return what we have rather than block for more input
                    }
                    if (!refill()) {
                        break;
                    }
                    continue;
                }
                b[off + n++] = octets[octetPos++];
            }
            return n == 0 ? -1 : n;
        }

        private boolean refill() throws IOException {
            while (true) {
                if (chunkPos == chunkCount) {
                    if (ended) {
                        return false;
                    }
                    chunkCount = in.read(chunk, 0, chunk.length);
                    chunkPos = 0;
                    if (chunkCount < 0) {
                        chunkCount = 0;
                        ended = true;
                        octetPos = 0;
                        octetCount = state.finish(octets);
                        return octetCount > 0;
                    }
                    continue;
                }
                octetPos = 0;
                octetCount = state.feed(chunk[chunkPos++] & 0xff, octets);
                if (octetCount > 0) {
                    return true;
                }
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = 0;
            while (skipped < n && read() >= 0) {
                skipped++;
            }
            return skipped;
        }

        @Override
        public int available() {
            return octetCount - octetPos;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }
}
