package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ResponseBufferTest {

    /** Records the size of every write it gets. */
    static final class Recorder extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writes = new ArrayList<>();
        int flushes;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(len);
            bytes.write(b, off, len);
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    @Test
    void aLargeResponseGoesOutInFullSizeWritesWithItsStatusLineAndTerminator() throws IOException {
        Recorder r = new Recorder();
        ResponseBuffer out = new ResponseBuffer(r);
        byte[] body = new byte[200_000];
        Arrays.fill(body, (byte) 'x');
        out.write("+OK 200000 octets\r\n".getBytes());
        out.write(body, 0, 65_536);
        out.write(body, 65_536, body.length - 65_536);
        out.write(".\r\n".getBytes());
        int step = ResponseBuffer.MAX_OCTETS - ResponseBuffer.TAIL_OCTETS;
        assertThat(r.writes).as("nothing before the buffer is full").allMatch(n -> n == step);
        out.flush();
        int total = 19 + body.length + 3;
        assertThat(r.bytes.toByteArray()).isEqualTo(("+OK 200000 octets\r\n" + "x".repeat(200_000) + ".\r\n").getBytes());
        assertThat(r.writes.getLast()).isGreaterThanOrEqualTo(ResponseBuffer.TAIL_OCTETS);
        assertThat(r.writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
        assertThat(r.flushes).isEqualTo(1);
    }

    @Test
    void theLastWriteOfALongResponseIsNeverTinyWhateverItsLength() throws IOException {
        for (int length = 3 * 65_536 - 200; length < 3 * 65_536 + 200; length += 7) {
            Recorder r = new Recorder();
            ResponseBuffer out = new ResponseBuffer(r);
            out.write("+OK\r\n".getBytes());
            out.flush(); // as RETR does with its first part
            byte[] body = new byte[length];
            for (int off = 0; off < length; off += 16_384) {
                out.write(body, off, Math.min(16_384, length - off));
            }
            out.write(".\r\n".getBytes());
            out.flush();
            assertThat(r.writes.getLast()).as("length %d", length).isGreaterThanOrEqualTo(ResponseBuffer.TAIL_OCTETS);
            assertThat(r.writes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5 + length + 3);
        }
    }

    @Test
    void smallResponsesWaitForTheFlushAndKeepTheirOrder() throws IOException {
        Recorder r = new Recorder();
        ResponseBuffer out = new ResponseBuffer(r);
        out.write('+');
        out.write("OK a\r\n+OK b\r\n".getBytes());
        assertThat(r.writes).isEmpty();
        out.flush();
        out.flush();
        assertThat(r.bytes.toString()).isEqualTo("+OK a\r\n+OK b\r\n");
        assertThat(r.writes).containsExactly(14);
    }
}
