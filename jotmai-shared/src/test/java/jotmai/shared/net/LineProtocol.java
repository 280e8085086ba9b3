package jotmai.shared.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny protocol for listener tests: greets, echoes lines, and has commands STARTTLS, QUIT, WAIT
 * (until shutdown is requested), HANG (read forever, ignoring shutdown), FLOOD n (write n MiB).
 */
final class LineProtocol implements ConnectionHandler {
    final AtomicReference<Throwable> lastError = new AtomicReference<>();
    volatile Duration idle = Duration.ofSeconds(30);
    volatile Duration deadline = Duration.ZERO;
    volatile Duration writeStall = Limits.DEFAULT_WRITE_STALL_TIMEOUT;
    volatile int discarded = -1;

    @Override
    public void handle(Connection c) throws Exception {
        c.setIdleTimeout(idle);
        c.setWriteStallTimeout(writeStall);
        write(c, "HELLO " + c.id() + (c.isTls() ? " TLS " + c.tlsSession().orElseThrow().getProtocol() : ""));
        while (true) {
            String line;
            try {
                if (!deadline.isZero()) {
                    c.startDeadline(deadline);
                }
                line = readLine(c.in());
                c.clearDeadline();
            } catch (SocketTimeoutException e) {
                write(c, "TIMEOUT");
                return;
            }
            if (line == null) {
                return;
            }
            switch (line.split(" ")[0]) {
                case "STARTTLS" -> {
                    // not flushed here: startTls counts the pipelined bytes before the go-ahead leaves
                    c.out().write("GO\r\n".getBytes(StandardCharsets.US_ASCII));
                    discarded = c.startTls(Duration.ofSeconds(30));
                }
                case "QUIT" -> {
                    write(c, "BYE");
                    return;
                }
                case "WAIT" -> {
                    write(c, "WAITING");
                    for (int i = 0; i < 3000 && !c.shutdownRequested(); i++) {
                        Thread.sleep(10);
                    }
                    write(c, c.shutdownRequested() ? "SHUTDOWN" : "GAVE UP");
                    return;
                }
                case "HANG" -> {
                    write(c, "HANGING");
                    c.setIdleTimeout(Duration.ZERO);
                    readLine(c.in());
                    return;
                }
                case "FLOOD" -> {
                    byte[] mib = new byte[1024 * 1024];
                    int n = Integer.parseInt(line.split(" ")[1]);
                    try {
                        for (int i = 0; i < n; i++) {
                            c.out().write(mib);
                        }
                        c.out().flush();
                    } catch (IOException e) {
                        lastError.set(e);
                        throw e;
                    }
                }
                default -> write(c, "ECHO " + line);
            }
        }
    }

    private static void write(Connection c, String line) throws IOException {
        OutputStream out = c.out();
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return "TOO LONG";
    }
}
