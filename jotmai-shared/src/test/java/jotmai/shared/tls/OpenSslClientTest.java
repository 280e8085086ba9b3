package jotmai.shared.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.net.Listener;
import jotmai.shared.net.ListenerConfig;

/** The implicit-TLS listener as a real non-Java client (OpenSSL's s_client) sees it. */
class OpenSslClientTest {
    @TempDir
    Path dir;
    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        OpenSsl.assumeInstalled();
        OpenSsl.certbotLikeChain(dir, "mail.example.com", "EC");
        TlsContextProvider tls = TlsContextProvider.fromPem(dir.resolve("fullchain.pem"), dir.resolve("privkey.pem"));
        ListenerConfig config = new ListenerConfig("imaps-test", new InetSocketAddress("127.0.0.1", 0), true, 100, 100,
                64, Duration.ofSeconds(30));
        listener = new Listener(config, tls, c -> {
            c.out().write("* OK hello\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out().flush();
            c.in().read();
        });
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close();
        }
    }

    private record Result(int exit, String output) {}

    private Result sClient(String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + listener.port(), "-servername", "mail.example.com", "-CAfile",
                dir.resolve("ca.pem").toString(), "-verify_return_error", "-ign_eof"));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void opensslNegotiatesTls13AndVerifiesTheFullChain() throws Exception {
        Result r = sClient();
        assertThat(r.output()).contains("* OK hello", "Verify return code: 0 (ok)", "TLSv1.3");
    }

    @Test
    void opensslGetsTls12WithAnAeadSuiteWhenItAsksForIt() throws Exception {
        Result r = sClient("-tls1_2");
        assertThat(r.output()).contains("* OK hello").containsPattern("Cipher is ECDHE-ECDSA-(AES\\d+-GCM|CHACHA20-POLY1305)");
    }

    @Test
    void opensslCannotGetTls11OrACbcSuite() throws Exception {
        assertThat(sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").output()).doesNotContain("* OK hello");
        assertThat(sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256").output()).doesNotContain("* OK hello");
    }
}
