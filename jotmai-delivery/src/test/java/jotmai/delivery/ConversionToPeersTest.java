package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.dkim.DkimKeys;
import jotmai.dkim.DkimResult;
import jotmai.dkim.DkimVerifier;
import jotmai.dkim.KeyLookup;
import jotmai.store.QueueStore;

/**
 * Messages DATA can not carry as they are (a binary part from a BINARYMIME/BDAT submission, a line over
 * 998 octets) reach real peers converted, byte-exact, and DKIM-signed in the converted form.
 */
class ConversionToPeersTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path SMTP_SINK = Path.of("/usr/sbin/smtp-sink");

    @TempDir Path dir;
    DeliveryFixture fx;

    @BeforeEach
    void start() {
        fx = new DeliveryFixture(dir);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private void deliver(DeliveryConfig config, byte[] content, boolean eightBitMime) {
        fx.enqueue(DeliveryFixture.SENDER, content, new QueueStore.DsnRequest("", "", false, eightBitMime),
                "bob@remote.test");
        try (DeliveryService s = fx.service(config)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
    }

    @Test
    void aBinaryPartGoesOutAsBase64ToAPeerWith8BitMimeSignedAfterTheConversion() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "local.test", "s1", DkimKeys.Algorithm.RSA_SHA256);
        try (TestSink sink = new TestSink()) {
            sink.extensions = List.of("PIPELINING", "8BITMIME", "SIZE 10000000");
            deliver(fx.config(Map.of("remote.test", sink.port())), MimeDowngradeTest.binaryMessage(), true);
            assertThat(sink.received).hasSize(1);
            String data = new String(sink.received.getFirst().data(), StandardCharsets.ISO_8859_1);
            assertThat(data).startsWith("DKIM-Signature:");
            String afterSignature = data.substring(data.indexOf("\r\nFrom: ") + 2);
            assertThat(afterSignature).isEqualTo(MimeDowngradeTest.BINARY_CONVERTED);
            assertThat(sink.commands).noneMatch(c -> c.contains("BODY="));
            KeyLookup dns = name -> name.equals(txt.name()) ? new KeyLookup.Answer.Found(List.of(txt.value()))
                    : new KeyLookup.Answer.NotFound();
            assertThat(new DkimVerifier(dns, Clock.systemUTC())
                    .verify(new ByteArrayInputStream(sink.received.getFirst().data())).results())
                    .singleElement().satisfies(v -> assertThat(v.result()).isEqualTo(DkimResult.Result.PASS));
        }
    }

    @Test
    void aPeerWithBinaryMimeAndChunkingGetsTheBinaryMessageAsItIsByBdat() throws Exception {
        try (TestSink sink = new TestSink()) {
            sink.extensions = List.of("PIPELINING", "8BITMIME", "CHUNKING", "BINARYMIME");
            deliver(fx.config(Map.of("remote.test", sink.port())).withDkim(false, "s1"),
                    MimeDowngradeTest.binaryMessage(), true);
            assertThat(sink.received).hasSize(1);
            assertThat(sink.received.getFirst().data()).isEqualTo(MimeDowngradeTest.binaryMessage());
            assertThat(sink.commands).anyMatch(c -> c.startsWith("MAIL FROM:<alice@local.test> BODY=BINARYMIME"))
                    .anyMatch(c -> c.equals("BDAT " + MimeDowngradeTest.binaryMessage().length + " LAST"))
                    .noneMatch(c -> c.equals("DATA"));
        }
    }

    @Test
    void aPeerWithChunkingButWithoutBinaryMimeGetsTheConvertedMessageByData() throws Exception {
        try (TestSink sink = new TestSink()) {
            sink.extensions = List.of("PIPELINING", "8BITMIME", "CHUNKING");
            deliver(fx.config(Map.of("remote.test", sink.port())).withDkim(false, "s1"),
                    MimeDowngradeTest.binaryMessage(), true);
            assertThat(new String(sink.received.getFirst().data(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(MimeDowngradeTest.BINARY_CONVERTED);
            assertThat(sink.commands).contains("DATA").noneMatch(c -> c.startsWith("BDAT"));
        }
    }

    @Test
    void aPeerWithoutPipeliningGetsMailRcptAndDataOneAtATime() throws Exception {
        try (TestSink sink = new TestSink()) {
            sink.extensions = List.of("8BITMIME", "SIZE 10000000");
            deliver(fx.config(Map.of("remote.test", sink.port())).withDkim(false, "s1"),
                    MimeDowngradeTest.binaryMessage(), true);
            assertThat(new String(sink.received.getFirst().data(), StandardCharsets.ISO_8859_1))
                    .isEqualTo(MimeDowngradeTest.BINARY_CONVERTED);
            assertThat(sink.commands).contains("RCPT TO:<bob@remote.test>", "DATA");
        }
    }

    @Test
    void aBinaryMimePeerWithoutPipeliningGetsMailAndRcptOneAtATimeThenBdat() throws Exception {
        try (TestSink sink = new TestSink()) {
            sink.extensions = List.of("8BITMIME", "CHUNKING", "BINARYMIME");
            deliver(fx.config(Map.of("remote.test", sink.port())).withDkim(false, "s1"),
                    MimeDowngradeTest.binaryMessage(), true);
            assertThat(sink.received.getFirst().data()).isEqualTo(MimeDowngradeTest.binaryMessage());
            assertThat(sink.commands).contains("RCPT TO:<bob@remote.test>")
                    .anyMatch(c -> c.equals("BDAT " + MimeDowngradeTest.binaryMessage().length + " LAST"));
        }
    }

    /** Postfix's smtp-sink with -8 (no 8BITMIME), dumping each message to a file. */
    @Test
    void postfixSmtpSinkWithout8BitMimeReceivesOverlongAnd8BitLinesAsQuotedPrintable() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            Assumptions.assumeTrue(Files.isExecutable(SMTP_SINK), "postfix's smtp-sink is not installed");
        }
        // smtp-sink writes as "nobody" when started by root: a directory outside the private @TempDir
        Path dumps = Files.createTempDirectory("jotmai-sink-");
        Files.setPosixFilePermissions(dumps, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(SMTP_SINK.toString(), "-8"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "nobody")); // smtp-sink refuses to run as root
        }
        cmd.addAll(List.of("-d", dumps + "/%H%M%S.", "127.0.0.1:" + port, "10"));
        Process sink = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sink.log").toFile()).start();
        try {
            await().atMost(WAIT).until(() -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            String head = "From: Alice <alice@local.test>\r\nTo: bob@remote.test\r\nSubject: long\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n";
            String body = "ä".repeat(400) + "\r\nshort line\r\n"; // 800 octets of UTF-8 → 2400 in QP
            deliver(fx.config(Map.of("remote.test", port)).withDkim(false, "s1"),
                    (head + "\r\n" + body).getBytes(StandardCharsets.UTF_8), true);
            await().atMost(WAIT).until(() -> listFiles(dumps).size() == 1);
            String dumped = Files.readString(listFiles(dumps).getFirst(), StandardCharsets.ISO_8859_1);
            // smtp-sink writes its own X-* and Received lines first, LF line ends, and an empty line last
            String message = dumped.substring(dumped.indexOf("\nFrom: ") + 1);
            String expected = head + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                    + softBreaks("=C3=A4".repeat(400)) + "\r\nshort line\r\n";
            assertThat(message).isEqualTo(expected.replace("\r\n", "\n") + "\n");
            assertThat(dumped).contains("X-Mail-Args: <alice@local.test>\n"); // no BODY=8BITMIME to this peer
        } finally {
            sink.destroy();
            sink.waitFor();
            for (Path f : listFiles(dumps)) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dumps);
        }
    }

    /** Quoted-printable lines of 75 characters and a soft break ("="), RFC 2045 §6.7 rule 5. */
    private static String softBreaks(String encoded) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += 75) {
            out.append(i == 0 ? "" : "=\r\n").append(encoded, i, Math.min(encoded.length(), i + 75));
        }
        return out.toString();
    }

    private static List<Path> listFiles(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
