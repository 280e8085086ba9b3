package jotmai.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.tls.InsecureClientTls;
import jotmai.shared.tls.TlsContextProvider;

class ListenerTest {
    @TempDir
    static Path dataDir;
    static TlsContextProvider tls;

    private final LineProtocol protocol = new LineProtocol();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void certificate() {
        tls = TlsContextProvider.selfSigned(dataDir, "localhost");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Listener listen(ListenerConfig config, String refusal) throws IOException {
        Listener l = new Listener(config, tls, protocol, refusal);
        toClose.add(l);
        return l;
    }

    private static ListenerConfig config(boolean implicitTls, int maxTotal, int maxPerIp) {
        return new ListenerConfig("test", new InetSocketAddress("127.0.0.1", 0), implicitTls, maxTotal, maxPerIp, 64,
                Duration.ofSeconds(10));
    }

    private LineClient client(Listener l) throws IOException {
        LineClient c = LineClient.connect(l.port());
        toClose.add(c);
        return c;
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreRefusedWithTheRefusalLine() throws Exception {
        Listener l = listen(config(false, 100, 2), "421 too many connections\r\n");
        LineClient a = client(l);
        LineClient b = client(l);
        assertThat(a.readLine()).startsWith("HELLO");
        assertThat(b.readLine()).startsWith("HELLO");
        LineClient c = client(l);
        assertThat(c.readLine()).isEqualTo("421 too many connections");
        assertThat(c.readLine()).isNull();
        assertThat(l.openFrom(InetAddress.getByName("127.0.0.1"))).isEqualTo(2);

        a.send("QUIT\r\n");
        assertThat(a.readLine()).isEqualTo("BYE");
        waitUntil(() -> l.openFrom(InetAddress.getByName("127.0.0.1")) == 1);
        LineClient d = client(l);
        assertThat(d.readLine()).startsWith("HELLO");
    }

    @Test
    void connectionsBeyondTheTotalLimitAreClosed() throws Exception {
        Listener l = listen(config(false, 1, 100), null);
        LineClient a = client(l);
        assertThat(a.readLine()).startsWith("HELLO");
        LineClient b = client(l);
        assertThat(b.readLine()).isNull();
        assertThat(l.openConnections()).isEqualTo(1);
    }

    @Test
    void implicitTlsSpeaksTls13WithATrustingClient() throws Exception {
        Listener l = listen(config(true, 100, 100), null);
        try (LineClient c = LineClient.connectTls(l.port(), InsecureClientTls.trustAllClientContext())) {
            assertThat(c.readLine()).matches("HELLO \\w+ TLS TLSv1.3");
            c.send("ping\r\n");
            assertThat(c.readLine()).isEqualTo("ECHO ping");
        }
        try (LineClient c = LineClient.connectTls(l.port(), InsecureClientTls.trustAllClientContext(), "TLSv1.2")) {
            assertThat(c.readLine()).endsWith("TLS TLSv1.2");
        }
    }

    @Test
    void tls11AndWeakCipherSuitesAreRefused() throws Exception {
        Listener l = listen(config(true, 100, 100), null);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new javax.net.ssl.TrustManager[] {trustAllManager()}, null);
        assertThatThrownBy(() -> LineClient.connectTls(l.port(), client, "TLSv1.1").close())
                .isInstanceOf(IOException.class);
        SSLSocket s = (SSLSocket) InsecureClientTls.trustAllClientContext().getSocketFactory()
                .createSocket("127.0.0.1", l.port());
        toClose.add(s);
        s.setSoTimeout(30_000);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setEnabledCipherSuites(new String[] {"TLS_RSA_WITH_AES_128_CBC_SHA256"});
        assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aTlsHandshakeThatNeverStartsIsCutAfterTheHandshakeTimeout() throws Exception {
        ListenerConfig quick = new ListenerConfig("test", new InetSocketAddress("127.0.0.1", 0), true, 100, 100, 64,
                Duration.ofMillis(500));
        Listener l = listen(quick, null);
        LineClient silent = client(l);
        assertThat(readToEnd(silent)).isTrue();
        waitUntil(() -> l.openConnections() == 0);
        // A well-behaved client is served as usual.
        try (LineClient c = LineClient.connectTls(l.port(), InsecureClientTls.trustAllClientContext())) {
            assertThat(c.readLine()).startsWith("HELLO");
        }
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        Listener l = listen(config(true, 100, 100), null);
        LineClient c = LineClient.connectTls(l.port(), InsecureClientTls.trustAllClientContext(), "TLSv1.2");
        toClose.add(c);
        assertThat(c.readLine()).endsWith("TLSv1.2");
        boolean refused;
        try {
            ((SSLSocket) c.socket).startHandshake();
            c.send("ping\r\n");
            refused = c.readLine() == null;
        } catch (IOException e) {
            refused = true;
        }
        assertThat(refused).as("renegotiation ends the connection").isTrue();
    }

    private static javax.net.ssl.X509TrustManager trustAllManager() {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }

    @Test
    void startTlsDiscardsCommandsPipelinedBeforeTheHandshake() throws Exception {
        Listener l = listen(config(false, 100, 100), null);
        LineClient c = client(l);
        assertThat(c.readLine()).startsWith("HELLO");
        // RFC 3207 §4.2: plaintext sent after STARTTLS in the same packet must not be executed.
        c.send("STARTTLS\r\nINJECTED\r\n");
        assertThat(c.readLine()).isEqualTo("GO");
        c.upgrade(InsecureClientTls.trustAllClientContext());
        c.send("after\r\n");
        assertThat(c.readLine()).isEqualTo("ECHO after");
        assertThat(protocol.discarded).isEqualTo("INJECTED\r\n".length());
    }

    @Test
    void gracefulCloseLetsSessionsFinishAndStopsAccepting() throws Exception {
        Listener l = new Listener(config(false, 100, 100), tls, protocol);
        LineClient c = client(l);
        assertThat(c.readLine()).startsWith("HELLO");
        c.send("WAIT\r\n");
        assertThat(c.readLine()).isEqualTo("WAITING");
        l.close(30_000);
        assertThat(c.readLine()).isEqualTo("SHUTDOWN");
        assertThat(c.readLine()).isNull();
        assertThat(l.openConnections()).isZero();
        assertThatThrownBy(() -> new Socket("127.0.0.1", l.port()).close()).isInstanceOf(IOException.class);
    }

    @Test
    void sessionsThatIgnoreShutdownAreCutAfterTheGracePeriod() throws Exception {
        Listener l = new Listener(config(true, 100, 100), tls, protocol);
        LineClient c = LineClient.connectTls(l.port(), InsecureClientTls.trustAllClientContext());
        toClose.add(c);
        assertThat(c.readLine()).startsWith("HELLO");
        c.send("HANG\r\n");
        assertThat(c.readLine()).isEqualTo("HANGING");
        l.close(200);
        assertThat(readToEnd(c)).isTrue();
        waitUntil(() -> l.openConnections() == 0);
    }

    @Test
    void idleClientsGetTheTimeout() throws Exception {
        protocol.idle = Duration.ofMillis(300);
        Listener l = listen(config(false, 100, 100), null);
        LineClient c = client(l);
        assertThat(c.readLine()).startsWith("HELLO");
        assertThat(c.readLine()).isEqualTo("TIMEOUT");
        assertThat(c.readLine()).isNull();
    }

    @Test
    void sessionsOnPlatformThreadsGetTheIdleTimeoutAndAreCutAfterTheGracePeriod() throws Exception {
        protocol.idle = Duration.ofMillis(300);
        PlatformThreadSlots slots = new PlatformThreadSlots(4);
        Listener l = new Listener(config(false, 100, 100), tls, protocol, null, slots);
        toClose.add(l);

        LineClient idle = client(l);
        assertThat(idle.readLine()).startsWith("HELLO");
        assertThat(idle.readLine()).isEqualTo("TIMEOUT");
        assertThat(idle.readLine()).isNull();

        LineClient hanging = client(l);
        assertThat(hanging.readLine()).startsWith("HELLO");
        hanging.send("HANG\r\n");
        assertThat(hanging.readLine()).isEqualTo("HANGING");
        assertThat(slots.inUse()).isEqualTo(1);
        l.close(200);
        assertThat(readToEnd(hanging)).isTrue();
        waitUntil(() -> l.openConnections() == 0 && slots.inUse() == 0);
    }

    @Test
    void aClientThatKeepsTalkingOutlivesTheIdleTimeoutAndLaterReadsStillWork() throws Exception {
        // the idle clock measures each wait for input, not the session: 8 x 150 ms is four idle timeouts
        protocol.idle = Duration.ofMillis(300);
        Listener l = listen(config(false, 100, 100), null);
        LineClient c = client(l);
        assertThat(c.readLine()).startsWith("HELLO");
        for (int i = 0; i < 8; i++) {
            Thread.sleep(150);
            c.send("ping " + i + "\r\n");
            assertThat(c.readLine()).isEqualTo("ECHO ping " + i);
        }
        assertThat(c.readLine()).isEqualTo("TIMEOUT");
        assertThat(c.readLine()).isNull();
    }

    @Test
    void anIdleTlsClientGetsTheTimeoutAndTheConnectionEndsOnVirtualAndOnPlatformThreads() throws Exception {
        protocol.idle = Duration.ofMillis(300);
        for (int platform : new int[] {0, 4}) {
            anIdleTlsClientGetsTheTimeoutAndTheConnectionEnds(new PlatformThreadSlots(platform));
        }
    }

    private void anIdleTlsClientGetsTheTimeoutAndTheConnectionEnds(PlatformThreadSlots slots) throws Exception {
        Listener l = new Listener(config(true, 100, 100), tls, protocol, null, slots);
        toClose.add(l);
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            try (LineClient c = LineClient.connectTls(l.port(), InsecureClientTls.trustAllClientContext(), version)) {
                assertThat(c.readLine()).startsWith("HELLO");
                // the goodbye gets through or the JDK closed the TLS connection with its input: either
                // way the session ended and the client is not left hanging
                String after;
                try {
                    after = c.readLine();
                } catch (IOException closed) {
                    after = null;
                }
                assertThat(after).isIn("TIMEOUT", null);
            }
        }
        waitUntil(() -> l.openConnections() == 0);
    }

    @Test
    void aCommandTrickledByteByByteIsCutAtTheDeadline() throws Exception {
        protocol.idle = Duration.ofSeconds(30);
        protocol.deadline = Duration.ofMillis(800);
        Listener l = listen(config(false, 100, 100), null);
        LineClient c = client(l);
        assertThat(c.readLine()).startsWith("HELLO");
        boolean cut = false;
        for (int i = 0; i < 200 && !cut; i++) {
            try {
                c.send("x");
            } catch (IOException closed) {
                cut = true;
            }
            Thread.sleep(50);
            cut = cut || c.socket.getInputStream().available() > 0;
        }
        assertThat(cut).as("server answered or closed before the line was finished").isTrue();
        assertThat(c.readLine()).isEqualTo("TIMEOUT");
    }

    @Test
    void aClientThatStopsReadingIsCutByTheWriteStallTimeout() throws Exception {
        protocol.writeStall = Duration.ofSeconds(1);
        Listener l = listen(config(false, 100, 100), null);
        Socket raw = new Socket();
        raw.setReceiveBufferSize(4096);
        raw.connect(l.boundAddress());
        LineClient c = new LineClient(raw);
        toClose.add(c);
        assertThat(c.readLine()).startsWith("HELLO");
        c.send("FLOOD 200\r\n");
        // Never read: the server's write stalls, the watchdog closes the socket.
        waitUntil(() -> protocol.lastError.get() != null);
        assertThat(protocol.lastError.get()).isInstanceOf(IOException.class);
        waitUntil(() -> l.openConnections() == 0);
    }

    /** Reads until end of stream; true if it ended (reset counts as ended). */
    private static boolean readToEnd(LineClient c) {
        try {
            InputStream in = c.socket.getInputStream();
            byte[] buf = new byte[4096];
            for (int i = 0; i < 100_000; i++) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls a condition for up to 60 seconds (generous: the machine is shared). */
    static void waitUntil(Condition condition) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(condition.holds()).as("condition within 60 s").isTrue();
    }
}
