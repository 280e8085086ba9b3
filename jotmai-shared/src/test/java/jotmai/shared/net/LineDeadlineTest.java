package jotmai.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Connection#setLineDeadline}: a begun line must be finished in time, a long line sent at a
 * reasonable rate is never cut, and time the server spends not reading is not held against the client.
 */
@Timeout(60)
class LineDeadlineTest {
    private ServerSocket server;
    private Socket client;
    private Connection connection;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        connection = Connection.of("test", server.accept(), null);
        connection.setIdleTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        client.close();
        server.close();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 1_000_000; i++) {
            int b = in.read();
            if (b < 0 || b == '\n') {
                return line.toString(StandardCharsets.US_ASCII);
            }
            line.write(b);
        }
        throw new AssertionError("line too long");
    }

    private Thread send(int chunks, int chunkSize, long pauseMillis, boolean endLine) {
        return Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = client.getOutputStream();
                for (int i = 0; i < chunks; i++) {
                    out.write("x".repeat(chunkSize).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(pauseMillis);
                }
                if (endLine) {
                    out.write('\n');
                    out.flush();
                }
            } catch (IOException | InterruptedException cut) {
                // the server closed the connection
            }
        });
    }

    @Test
    void aLineTrickledOneOctetAtATimeIsCutAtTheLineDeadline() {
        connection.setLineDeadline(Duration.ofMillis(500), 1000);
        Thread trickle = send(200, 1, 100, false);

        // either the socket read times out (SO_TIMEOUT armed with what is left of the line deadline) or
        // the check before the next read finds the deadline spent
        assertThatThrownBy(() -> readLine(connection.in())).isInstanceOf(SocketTimeoutException.class);
        trickle.interrupt();
    }

    @Test
    void aLongLineSentFasterThanTheMinimumDataRateIsNeverCut() throws Exception {
        // 20,000 octets over about 2 s: four times the deadline, but 10 KB/s against a minimum of 1 KB/s
        connection.setLineDeadline(Duration.ofMillis(500), 1000);
        send(40, 500, 50, true);

        assertThat(readLine(connection.in())).hasSize(20_000);
    }

    @Test
    void timeTheServerSpendsNotReadingDoesNotCount() throws Exception {
        connection.setLineDeadline(Duration.ofMillis(500), 1000);
        OutputStream out = client.getOutputStream();
        out.write("abc".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] first = new byte[3];
        assertThat(connection.in().readNBytes(first, 0, 3)).isEqualTo(3);

        Thread.sleep(1_500); // the server is busy; the client waits for it
        out.write("def\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();

        assertThat(readLine(connection.in())).isEqualTo("def");
    }
}
