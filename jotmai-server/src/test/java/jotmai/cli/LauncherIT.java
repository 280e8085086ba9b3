package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./jotmai} launcher, as a newcomer runs it: admin commands, then {@code serve} on
 * free loopback ports, python3's smtplib and imaplib as the clients, a user added while the server
 * runs, and SIGTERM for a graceful stop. Runs in the integration-test phase (after the jar is packaged,
 * so the launcher does not need to build it).
 */
@Timeout(600)
class LauncherIT {

    private static final Path LAUNCHER = Path.of("..", "jotmai").toAbsolutePath().normalize();
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path data;

    record Run(int status, String out, String err) {}

    private Run jotmai(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--data", data.toString()));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean python3Available() {
        try {
            return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String python(String script) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void newcomerSetsUpADomainAndUserThenSendsAndReadsMailThroughTheLauncher() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LAUNCHER), "not run from the repository");
        boolean ci = "true".equals(System.getenv("CI"));
        Assumptions.assumeTrue(ci || python3Available(), "python3 is not installed");

        Run domain = jotmai("", "domain", "add", "example.com");
        assertThat(domain.status()).as(domain.err()).isZero();
        assertThat(domain.out()).isEqualTo("added domain example.com\n");
        assertThat(jotmai("alice-pw\n", "user", "add", "alice@example.com", "--password-stdin").status()).isZero();
        Run error = jotmai("", "user", "add", "x@not-hosted.example", "--password", "pw");
        assertThat(error.status()).isEqualTo(1);
        assertThat(error.err().lines().filter(l -> l.startsWith("jotmai: ")).toList()).hasSize(1);

        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        List<String> serve = new ArrayList<>(List.of(LAUNCHER.toString(), "serve", "--data", data.toString(),
                "--set", "smtp.greeting-delay=0s"));
        for (String listener : List.of("smtp", "submission", "submissions", "imap", "imaps", "pop3", "pop3s")) {
            ports.put(listener, freePort());
            serve.addAll(List.of("--set", listener + ".port=" + ports.get(listener), "--set", listener + ".bind=127.0.0.1"));
        }
        Process server = new ProcessBuilder(serve).redirectErrorStream(true).start();
        List<String> log = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    log.add(line);
                }
            } catch (IOException ignored) {
                // the server went away
            }
        });
        try {
            long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
            while (log.stream().noneMatch(l -> l.contains("Jotmai running")) && server.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(log).as("server log").anyMatch(l -> l.contains("Jotmai running"));
            assertThat(log).anyMatch(l -> l.contains("imap listening on /127.0.0.1:" + ports.get("imap")));

            // an account added while the server runs can log in at once (no restart, no cache)
            assertThat(jotmai("bob-pw\n", "user", "add", "bob@example.com", "--password-stdin").status()).isZero();

            python("""
                    import smtplib
                    from email.message import EmailMessage
                    m = EmailMessage()
                    m['From'] = 'alice@example.com'; m['To'] = 'bob@example.com'; m['Subject'] = 'Hi Bob'
                    m.set_content('Sent through the launcher.')
                    with smtplib.SMTP('127.0.0.1', %d, timeout=60) as s:
                        s.login('alice@example.com', 'alice-pw')
                        s.send_message(m)
                    """.formatted(ports.get("submission")));
            String fetched = python("""
                    import imaplib
                    m = imaplib.IMAP4('127.0.0.1', %d, timeout=60)
                    m.login('bob@example.com', 'bob-pw')
                    m.select('INBOX')
                    typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
                    print(data[0][1].decode().strip())
                    m.logout()
                    """.formatted(ports.get("imap")));
            assertThat(fetched).contains("Subject: Hi Bob");
        } finally {
            // SIGTERM through the handle: Process.destroy() would also close our end of the pipe, and
            // the shutdown hook's log lines would be lost
            server.toHandle().destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(Duration.ofSeconds(30)); // the last lines are still in the pipe when the process ends
        assertThat(log).as("server log").anyMatch(l -> l.contains("stopped"));
    }
}
