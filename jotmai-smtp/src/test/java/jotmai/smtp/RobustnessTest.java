package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeouts, early talkers, garbage, and a real third-party client (swaks). */
class RobustnessTest {

    @Test
    void anEarlyTalkerIsRefusedBeforeTheGreeting(@TempDir Path dir) throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir,
                c -> c.withTimeouts(Duration.ofMillis(1500), Duration.ofMinutes(1), Duration.ofMinutes(1)))) {
            try (SmtpClient c = fx.connect("smtp")) {
                c.write("EHLO impatient\r\n");
                assertThat(c.reply()).startsWith("554 mx.example.test No SMTP service");
                assertThat(c.closedByServer()).isTrue();
            }
            try (SmtpClient c = fx.connect("smtp")) {
                assertThat(c.reply()).startsWith("220 ");
            }
        }
    }

    @Test
    void anIdleClientGets421AfterTheCommandTimeout(@TempDir Path dir) throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir,
                c -> c.withTimeouts(Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(500)))) {
            try (SmtpClient c = fx.connect("smtp")) {
                assertThat(c.reply()).startsWith("220 ");
                assertThat(c.reply()).startsWith("421 4.4.2");
                assertThat(c.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void aClientDrippingOneByteAtATimeCannotHoldACommandOpenForever(@TempDir Path dir) throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir,
                c -> c.withTimeouts(Duration.ZERO, Duration.ofMillis(800), Duration.ofMinutes(1)))) {
            try (SmtpClient c = fx.connect("smtp")) {
                assertThat(c.reply()).startsWith("220 ");
                for (int i = 0; i < 40 && !c.replyWaiting(); i++) { // bounded: at most ~40 x 150 ms
                    try {
                        c.write("N");
                    } catch (java.io.IOException closed) {
                        break;
                    }
                    Thread.sleep(150);
                }
                String reply = c.reply();
                assertThat(reply).startsWith("421 4.4.2");
            }
        }
    }

    @Test
    void whenTheStoreIsGoneClientsGetATemporaryErrorNotALoss(@TempDir Path dir) throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            try (SmtpClient c = fx.connect("smtp")) {
                c.reply();
                c.send("EHLO x");
                c.send("MAIL FROM:<a@remote.test>");
                assertThat(c.send("RCPT TO:<alice@example.test>")).startsWith("250");
                assertThat(c.send("DATA")).startsWith("354");
                fx.store.close();
                assertThat(c.send("Subject: lost?\r\n\r\nbody\r\n.")).startsWith("451 4.3.0");
                assertThat(c.send("NOOP")).startsWith("250");
            }
        }
    }

    @Test
    void aStagingFailureAnswers451AndKeepsTheSession(@TempDir Path dir) throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            java.nio.file.Files.delete(dir.resolve("staging")); // large messages can no longer be staged
            try (SmtpClient c = fx.connect("smtp")) {
                c.reply();
                c.send("EHLO x");
                c.send("MAIL FROM:<a@remote.test>");
                c.send("RCPT TO:<alice@example.test>");
                c.send("DATA");
                String big = "Subject: big\r\n\r\n" + ("b".repeat(78) + "\r\n").repeat(2000);
                assertThat(c.send(big + ".")).startsWith("451 4.3.0");
                assertThat(c.send("NOOP")).startsWith("250");
            }
            assertThat(fx.inbox(fx.alice)).isEmpty();
        }
    }

    @Test
    void garbageAndBinaryNoiseNeverCrashTheServer(@TempDir Path dir) throws Exception {
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            try (SmtpClient c = fx.connect("smtp")) {
                c.reply();
                byte[] noise = new byte[64 * 1024];
                new java.util.Random(42).nextBytes(noise);
                try {
                    c.write(noise);
                    c.write("\r\nQUIT\r\n");
                } catch (java.io.IOException closedEarly) {
                    // the server may hang up (421 after too many errors) before we finish writing
                }
                String last = "none";
                for (int i = 0; i < 10_000; i++) { // bounded: at most one reply per noise line
                    String r;
                    try {
                        r = c.reply();
                    } catch (java.io.IOException reset) {
                        r = null;
                    }
                    if (r == null || r.startsWith("221") || r.contains("\n421") || r.startsWith("421")) {
                        last = String.valueOf(r);
                        break;
                    }
                }
                assertThat(last).isNotEqualTo("none");
            }
            try (SmtpClient c = fx.connect("smtp")) {
                assertThat(c.reply()).startsWith("220 ");
                assertThat(c.send("NOOP")).startsWith("250");
            }
        }
    }

    @Test
    void swaksDeliversThroughSubmissionWithStartTlsAndAuth(@TempDir Path dir) throws Exception {
        boolean present = new ProcessBuilder("sh", "-c", "command -v swaks").start().waitFor() == 0;
        Assumptions.assumeTrue(present || "true".equals(System.getenv("CI")), "swaks not installed");
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            Process p = new ProcessBuilder("swaks", "--server", "127.0.0.1", "--port",
                    String.valueOf(fx.port("submission")), "--tls", "--auth", "PLAIN",
                    "--auth-user", "alice@example.test", "--auth-password", SmtpFixture.PASSWORD,
                    "--from", "alice@example.test", "--to", "bob@example.test", "--header", "Subject: from swaks",
                    "--body", "swaks body", "--timeout", "30")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(fx.inbox(fx.bob)).hasSize(1);
            assertThat(new String(fx.inbox(fx.bob).getFirst())).contains("Subject: from swaks").contains("ESMTPSA");
        }
    }

    @Test
    void pythonSmtplibDeliversOverTheMxListenerIncludingSmtputf8(@TempDir Path dir) throws Exception {
        boolean present = new ProcessBuilder("sh", "-c", "command -v python3").start().waitFor() == 0;
        Assumptions.assumeTrue(present || "true".equals(System.getenv("CI")), "python3 not installed");
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            var thai = fx.store.accounts().createAccount("สมชาย@example.test", "{PLAIN}x", 0);
            String script = "import smtplib\n"
                    + "s=smtplib.SMTP('127.0.0.1'," + fx.port("smtp") + ",timeout=30)\n"
                    + "s.ehlo('py.remote.test')\n"
                    + "s.sendmail('py@remote.test',['alice@example.test'],"
                    + "'Subject: from python\\r\\n\\r\\n.leading dot\\r\\nbody\\r\\n'.encode())\n"
                    + "s.sendmail('ผู้ส่ง@remote.test',['สมชาย@example.test'],"
                    + "'Subject: =?utf-8?b?4Liq4Lin4Lix4Liq4LiU4Li1?=\\r\\n\\r\\nสวัสดีครับ\\r\\n'.encode('utf-8'),"
                    + "mail_options=['SMTPUTF8','BODY=8BITMIME'])\n"
                    + "s.quit()\n";
            Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(new String(fx.inbox(fx.alice).getFirst())).endsWith("Subject: from python\r\n\r\n.leading dot\r\nbody\r\n");
            String stored = new String(fx.inbox(thai).getFirst(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(stored).startsWith("Return-Path: <ผู้ส่ง@remote.test>").endsWith("\r\n\r\nสวัสดีครับ\r\n");
        }
    }

    @Test
    void manyConcurrentSessionsAreAllStoredDurably(@TempDir Path dir) throws Exception {
        int clients = 40;
        try (SmtpFixture fx = new SmtpFixture(dir)) {
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(clients)) {
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    results.add(pool.submit(() -> {
                        try (SmtpClient c = fx.connect("smtp")) {
                            c.reply();
                            c.write("EHLO c" + n + "\r\nMAIL FROM:<c" + n + "@remote.test>\r\n"
                                    + "RCPT TO:<alice@example.test>\r\nDATA\r\n");
                            for (int r = 0; r < 4; r++) {
                                c.reply();
                            }
                            return c.send("Subject: concurrent " + n + "\r\n\r\nbody\r\n.");
                        }
                    }));
                }
            }
            for (var r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).startsWith("250 2.0.0");
            }
            assertThat(fx.inbox(fx.alice)).hasSize(clients);
        }
    }
}
