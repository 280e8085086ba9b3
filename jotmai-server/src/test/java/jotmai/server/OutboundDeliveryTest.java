package jotmai.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jotmai.dkim.DkimKeys;
import jotmai.server.config.ConfigLoader;
import jotmai.server.config.JotmaiConfig;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.Listener;
import jotmai.store.Store;

/**
 * The outbound path as {@code jotmai serve} wires it: submission (Angus Mail, AUTH) → queue → delivery
 * runner → a static route to an SMTP sink on loopback, DKIM-signed with a key made like
 * {@code jotmai dkim generate}. The runner's poll interval is ten minutes, so a quick arrival shows that
 * SMTP woke the runner after the enqueue.
 */
@Timeout(120)
class OutboundDeliveryTest {

    @TempDir
    Path data;

    private Store store;
    private JotmaiServer server;
    private Sink sink;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close(1_000);
        }
        if (store != null) {
            store.close();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void submittedMailForARoutedDomainReachesTheSinkDkimSignedWithinSeconds() throws Exception {
        sink = new Sink();
        DkimKeys.generate(data, "example.com", "jotmai", DkimKeys.Algorithm.RSA_SHA256);
        List<String> sets = new ArrayList<>(JotmaiServerTest.loopbackSettings());
        sets.add("server.hostname=mx.example.com");
        sets.add("delivery.routes=remote.test=127.0.0.1:" + sink.port());
        sets.add("delivery.poll-interval=10m");
        JotmaiConfig config = ConfigLoader.load(Optional.empty(), sets);
        store = Stores.open(config, data);
        store.accounts().addDomain("example.com");
        store.accounts().createAccount("alice@example.com", Passwords.hash("alice-pw"), 0);
        server = JotmaiServer.start(config, data, store);

        submit("alice@example.com", "alice-pw", "bob@remote.test", "Hello from Jotmai");

        await().atMost(Duration.ofSeconds(20)).until(() -> !sink.messages.isEmpty());
        Sink.Received got = sink.messages.getFirst();
        assertThat(got.from()).isEqualTo("alice@example.com");
        assertThat(got.recipients()).containsExactly("bob@remote.test");
        assertThat(got.data()).containsIgnoringCase("DKIM-Signature:").contains("d=example.com")
                .contains("s=jotmai").contains("Subject: Hello from Jotmai");
        await().atMost(Duration.ofSeconds(20)).until(() -> store.queue().list(10).isEmpty());
    }

    private void submit(String user, String password, String to, String subject) throws Exception {
        int port = server.listener("submission").map(Listener::port).orElseThrow();
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.connectiontimeout", "30000");
        props.put("mail.smtp.timeout", "30000");
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(user));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject);
        message.setText("Plain ASCII body.\n");
        Transport.send(message, user, password);
    }

    /**
     * A minimal SMTP server that accepts everything and records it: no extensions, one session at a time
     * on a platform thread, lines bounded by the test's timeout.
     */
    static final class Sink implements AutoCloseable {
        record Received(String from, List<String> recipients, String data) {}

        private static final int MAX_LINES_PER_SESSION = 100_000;

        final List<Received> messages = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;
        private final Thread thread;

        Sink() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = Thread.ofVirtual().name("smtp-sink").start(this::acceptLoop);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.setSoTimeout(30_000);
                    session(s);
                } catch (IOException e) {
                    // closed, or the client went away: take the next one
                }
            }
        }

        private void session(Socket s) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            reply(out, "220 sink.test ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            for (int i = 0; i < MAX_LINES_PER_SESSION; i++) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO", "HELO" -> reply(out, "250 sink.test");
                    case "MAIL" -> {
                        from = address(line);
                        rcpts = new ArrayList<>();
                        reply(out, "250 2.1.0 OK");
                    }
                    case "RCPT" -> {
                        rcpts.add(address(line));
                        reply(out, "250 2.1.5 OK");
                    }
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        StringBuilder body = new StringBuilder();
                        for (String l = in.readLine(); l != null && !l.equals("."); l = in.readLine()) {
                            body.append(l.startsWith(".") ? l.substring(1) : l).append("\r\n");
                        }
                        messages.add(new Received(from, List.copyOf(rcpts), body.toString()));
                        reply(out, "250 2.0.0 queued");
                    }
                    case "RSET", "NOOP" -> reply(out, "250 OK");
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.1 not implemented");
                }
            }
        }

        private static String address(String line) {
            int lt = line.indexOf('<');
            int gt = line.indexOf('>', lt + 1);
            return lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : "";
        }

        private static void reply(OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            thread.interrupt();
        }
    }
}
