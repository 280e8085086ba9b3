package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Property: for random message contents cut into random pieces, {@link MessageStreamer} (with its
 * word-at-a-time dot search, {@link DotScan}) writes exactly what a plain line-by-line implementation of
 * RFC 1939 §3 (stuffing) and §7 (TOP) writes, and never changes the caller's arrays.
 */
class StuffingPropertyTest {

    private static final int ROUNDS = 1_000;

    /** Octets that matter to stuffing and line counting, plus filler. */
    private static final byte[] ALPHABET = {'.', '.', '\r', '\n', '\n', 'x', 'a', ' '};

    private static byte[] randomMessage(Random random) {
        int length = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(20);
            case 1 -> random.nextInt(200);
            case 2 -> random.nextInt(2_000);
            default -> 8_000 + random.nextInt(70_000);
        };
        byte[] b = new byte[length];
        boolean sparse = random.nextBoolean(); // long lines: most words hold no LF at all
        for (int i = 0; i < length; i++) {
            b[i] = sparse && random.nextInt(60) != 0 ? (byte) ('a' + random.nextInt(26)) : ALPHABET[random.nextInt(ALPHABET.length)];
        }
        if (length > 0 && random.nextInt(4) == 0) {
            b[0] = '.'; // a dot at offset 0
        }
        return b;
    }

    /** Random cut points; some pieces start right after an LF with a dot (a dot after a chunk boundary). */
    private static List<int[]> randomPieces(Random random, byte[] message) {
        List<int[]> pieces = new ArrayList<>();
        int maxPiece = switch (random.nextInt(3)) {
            case 0 -> 1 + random.nextInt(10);
            case 1 -> 1 + random.nextInt(100);
            default -> 1 + random.nextInt(70_000);
        };
        int off = 0;
        while (off < message.length) {
            int len = Math.min(message.length - off, 1 + random.nextInt(maxPiece));
            for (int i = off + 1; i < off + len && random.nextInt(3) == 0; i++) {
                if (message[i - 1] == '\n' && message[i] == '.') {
                    len = i - off; // cut between the LF and the dot
                    break;
                }
            }
            pieces.add(new int[] {off, len});
            off += len;
        }
        return pieces;
    }

    /** The reference: split into lines at LF, stuff each, count lines for TOP, then terminate. */
    static byte[] reference(byte[] message, int bodyLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean inBody = false;
        int left = bodyLines;
        int start = 0;
        while (start < message.length) {
            int lf = start;
            while (lf < message.length && message[lf] != '\n') {
                lf++;
            }
            int end = Math.min(lf + 1, message.length);
            if (message[start] == '.') {
                out.write('.');
            }
            out.write(message, start, end - start);
            start = end;
            if (lf == message.length || bodyLines == MessageStreamer.ALL_LINES) {
                continue;
            }
            if (!inBody) {
                if (isBlank(message, lineStartOf(message, lf), lf)) {
                    inBody = true;
                    if (left == 0) {
                        break;
                    }
                }
            } else if (--left <= 0) {
                break;
            }
        }
        byte[] body = out.toByteArray();
        if (body.length > 0 && body[body.length - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private static int lineStartOf(byte[] message, int lf) {
        int i = lf - 1;
        while (i >= 0 && message[i] != '\n') {
            i--;
        }
        return i + 1;
    }

    /** A line with no octets other than CR (RFC 5322 §2.1's empty line, as MessageStreamer counts it). */
    private static boolean isBlank(byte[] message, int from, int lf) {
        for (int i = from; i < lf; i++) {
            if (message[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    private static byte[] streamInPieces(byte[] message, List<int[]> pieces, int bodyLines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageStreamer s = new MessageStreamer(out, bodyLines);
        for (int[] p : pieces) {
            s.write(message, p[0], p[1]);
        }
        s.finish();
        return out.toByteArray();
    }

    @Test
    void retrInRandomPiecesIsByteIdenticalToTheLineByLineReference() throws IOException {
        Random random = new Random(20261129L);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] message = randomMessage(random);
            byte[] copy = message.clone();
            List<int[]> pieces = randomPieces(random, message);
            byte[] actual = streamInPieces(message, pieces, MessageStreamer.ALL_LINES);
            assertThat(actual).as("round %d, %d octets in %d pieces", round, message.length, pieces.size())
                    .isEqualTo(reference(message, MessageStreamer.ALL_LINES));
            assertThat(message).as("the caller's array is not modified").isEqualTo(copy);
        }
    }

    @Test
    void topInRandomPiecesIsByteIdenticalToTheLineByLineReference() throws IOException {
        Random random = new Random(7L);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] message = randomMessage(random);
            int lines = random.nextInt(4) == 0 ? 0 : random.nextInt(30);
            List<int[]> pieces = randomPieces(random, message);
            assertThat(streamInPieces(message, pieces, lines)).as("round %d, TOP %d", round, lines)
                    .isEqualTo(reference(message, lines));
        }
    }

    @Test
    void streamingWithTransferToGivesTheSameBytes() throws IOException {
        Random random = new Random(99L);
        for (int round = 0; round < 300; round++) {
            byte[] message = randomMessage(random);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            MessageStreamer s = new MessageStreamer(out, MessageStreamer.ALL_LINES);
            new ByteArrayInputStream(message).transferTo(s);
            s.finish();
            assertThat(out.toByteArray()).isEqualTo(reference(message, MessageStreamer.ALL_LINES));
        }
    }

    @Test
    void theWordScanFindsExactlyTheDotsAfterAnLf() {
        Random random = new Random(3L);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] b = randomMessage(random);
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int end = from + (b.length == from ? 0 : random.nextInt(b.length - from + 1));
            int expected = -1;
            for (int i = from; i + 1 < end; i++) {
                if (b[i] == '\n' && b[i + 1] == '.') {
                    expected = i + 1;
                    break;
                }
            }
            assertThat(DotScan.nextLineStartDot(b, from, end)).as("round %d in %s", round, Arrays.toString(b))
                    .isEqualTo(expected);
        }
    }

    @Test
    void everyOctetValueIsTestedExactlyNotOnlyAsciiOnes() {
        // The exact zero-octet test must not mistake 0x8A, 0x0B, 0xAE etc. for LF or '.'.
        for (int x = 0; x < 256; x++) {
            for (int y = 0; y < 256; y++) {
                byte[] b = new byte[24];
                Arrays.fill(b, (byte) x);
                b[9] = (byte) y;
                b[10] = (byte) x;
                int expected = -1;
                for (int i = 0; i + 1 < b.length; i++) {
                    if (b[i] == '\n' && b[i + 1] == '.') {
                        expected = i + 1;
                        break;
                    }
                }
                int actual = DotScan.nextLineStartDot(b, 0, b.length);
                if (actual != expected) { // (one AssertJ call per case would make this the slowest test here)
                    assertThat(actual).as("x=%d y=%d", x, y).isEqualTo(expected);
                }
            }
        }
    }
}
