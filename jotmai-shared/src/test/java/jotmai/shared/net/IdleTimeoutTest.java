package jotmai.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * {@link Connection#setIdleTimeout} (timed by the watchdog, no socket timeout per read) against
 * {@link Connection#setReadTimeout} (SO_TIMEOUT, the connection stays usable).
 */
@Timeout(60)
class IdleTimeoutTest {
    private ServerSocket server;
    private Socket client;
    private Socket accepted;
    private Connection connection;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        client.setSoTimeout(30_000);
        accepted = server.accept();
        connection = Connection.of("test", accepted, null);
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
        client.close();
        server.close();
    }

    private void clientSends(String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void aSilentClientsReadFailsWithATimeoutEveryLaterReadTooAndTheGoodbyeStillReachesIt() throws Exception {
        connection.setIdleTimeout(Duration.ofMillis(200));

        assertThatThrownBy(() -> connection.in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> connection.in().read()).isInstanceOf(SocketTimeoutException.class);

        connection.out().write("BYE\r\n".getBytes(StandardCharsets.US_ASCII));
        connection.out().flush();
        InputStream in = client.getInputStream();
        assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("BYE\r\n");
    }

    @Test
    void aReadTimedByTheIdleTimeoutLeavesTheSocketWithoutASocketTimeout() throws Exception {
        connection.setIdleTimeout(Duration.ofMinutes(10));
        clientSends("x\n");

        assertThat(connection.in().read()).isEqualTo('x');
        assertThat(accepted.getSoTimeout()).isZero();
    }

    @Test
    void aReadTimeoutIsASocketTimeoutAfterWhichTheConnectionStaysUsable() throws Exception {
        connection.setReadTimeout(Duration.ofMillis(200));

        assertThatThrownBy(() -> connection.in().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(accepted.getSoTimeout()).isEqualTo(200);
        clientSends("y\n");
        assertThat(connection.in().read()).isEqualTo('y');
    }

    @Test
    void whileADeadlineRunsTheSocketTimeoutTimesTheReadAndTheIdleTimeoutIsNotSpent() throws Exception {
        connection.setIdleTimeout(Duration.ofMinutes(10));
        connection.startDeadline(Duration.ofMillis(300));

        assertThatThrownBy(() -> connection.in().read()).isInstanceOf(SocketTimeoutException.class);
        connection.clearDeadline();
        clientSends("z\n");
        assertThat(connection.in().read()).isEqualTo('z');
    }
}
