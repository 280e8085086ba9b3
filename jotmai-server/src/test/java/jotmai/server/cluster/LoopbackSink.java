package jotmai.server.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The remote mail server of the outbound tests: accepts any envelope and records each message's
 * header lines, one virtual thread per connection so that several nodes can deliver at once. A
 * connection closed inside DATA records nothing (a sender that died mid-message delivered nothing).
 */
final class LoopbackSink implements AutoCloseable {

    /** Lines per session before the sink hangs up: bounds a runaway client. */
    static final int MAX_LINES_PER_SESSION = 100_000;
    static final int READ_TIMEOUT_MILLIS = 60_000;

    /** One accepted message: the recipients and its header section. */
    record Received(List<String> recipients, String header) {
        String subject() {
            return header.lines().filter(l -> l.regionMatches(true, 0, "Subject:", 0, 8)).findFirst()
                    .map(l -> l.substring(8).strip()).orElse("");
        }
    }

    final List<Received> messages = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread acceptor;

    LoopbackSink() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("sink-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("sink-session").start(() -> {
                    try (s) {
                        s.setSoTimeout(READ_TIMEOUT_MILLIS);
                        session(s);
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void session(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        reply(out, "220 sink.test ESMTP");
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
                    rcpts = new ArrayList<>();
                    reply(out, "250 2.1.0 OK");
                }
                case "RCPT" -> {
                    rcpts.add(line.substring(line.indexOf('<') + 1, Math.max(line.indexOf('<') + 1, line.indexOf('>'))));
                    reply(out, "250 2.1.5 OK");
                }
                case "DATA" -> {
                    reply(out, "354 go ahead");
                    StringBuilder header = new StringBuilder();
                    boolean inHeader = true;
                    boolean complete = false;
                    for (int n = 0; n < MAX_LINES_PER_SESSION; n++) {
                        String l = in.readLine();
                        if (l == null) {
                            break;
                        }
                        if (l.equals(".")) {
                            complete = true;
                            break;
                        }
                        inHeader &= !l.isEmpty();
                        if (inHeader) {
                            header.append(l).append("\r\n");
                        }
                    }
                    if (!complete) {
                        return;
                    }
                    messages.add(new Received(List.copyOf(rcpts), header.toString()));
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

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
