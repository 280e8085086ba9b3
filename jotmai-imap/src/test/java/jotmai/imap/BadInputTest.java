package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;

import jotmai.shared.tls.InsecureClientTls;

/** Hostile and broken clients: the session answers correctly or ends cleanly; others are unaffected. */
class BadInputTest extends ImapServerTestBase {
    private void assertServerStillServes() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            assertThat(ImapTestClient.last(c.command("SELECT INBOX"))).contains("OK");
        }
    }

    @Test
    void tenThousandPipelinedCommandsAreAllAnsweredInOrder() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                batch.append("p").append(i).append(i % 3 == 0 ? " NOOP\r\n" : i % 3 == 1 ? " CAPABILITY\r\n" : " BOGUS\r\n");
            }
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.sendRaw(batch.toString().getBytes(StandardCharsets.US_ASCII));
                } catch (Exception ignored) {
                    // reported by the reader side
                }
            });
            int tagged = 0;
            for (int lines = 0; lines < 30_000 && tagged < 10_000; lines++) {
                String line = c.readLine();
                assertThat(line).isNotNull();
                if (line.startsWith("p")) {
                    assertThat(line).startsWith("p" + tagged + (tagged % 3 == 2 ? " BAD" : " OK"));
                    tagged++;
                }
            }
            writer.join();
            assertThat(tagged).isEqualTo(10_000);
        }
    }

    @Test
    void aClientVanishingMidLiteralDoesNotHurtOthers() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.send("a APPEND INBOX {100000+}");
            c.sendRaw("half a message".getBytes(StandardCharsets.US_ASCII));
        }
        assertServerStillServes();
        assertThat(fx.store.mail().messages(fx.inbox(alice).id())).isEmpty();
    }

    @Test
    void randomGarbageGetsBadOrByeButNeverACrash() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            try (Socket s = new Socket("127.0.0.1", fx.port())) {
                s.setSoTimeout(10_000);
                byte[] junk = new byte[20_000];
                random.nextBytes(junk);
                OutputStream out = s.getOutputStream();
                out.write(junk);
                out.write("\r\nz LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.shutdownOutput();
                byte[] reply = s.getInputStream().readAllBytes();
                String text = new String(reply, StandardCharsets.ISO_8859_1);
                assertThat(text).startsWith("* OK");
                assertThat(text).containsAnyOf("BAD", "BYE");
            }
        }
        assertServerStillServes();
    }

    @Test
    void unbalancedParenthesesAndUnknownCommandsKeepTheSessionUsable() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            for (String bad : List.of("FETCH 1 (FLAGS", "SEARCH ((((ALL", "STORE 1 +FLAGS (\\Seen", "XYZZY", "UID",
                    "FETCH * BODY[", "LIST \"\"", "APPEND")) {
                assertThat(ImapTestClient.last(c.command(bad))).contains(" BAD ");
            }
            assertThat(ImapTestClient.last(c.command("NOOP"))).contains("OK");
        }
    }

    @Test
    void idleOverImplicitTlsIsWokenByADelivery() throws Exception {
        SSLSocket ssl = (SSLSocket) InsecureClientTls.trustAllClientContext().getSocketFactory()
                .createSocket("127.0.0.1", fx.tlsPort());
        ssl.startHandshake();
        try (ImapTestClient c = new ImapTestClient(ssl).login("alice@example.test")) {
            c.command("SELECT INBOX");
            c.send("i IDLE");
            assertThat(c.readLine()).startsWith("+ ");
            fx.deliver(alice, ImapFixture.message(1));
            assertThat(c.readLine()).isEqualTo("* 1 EXISTS");
            c.send("DONE");
            assertThat(c.readLine()).isEqualTo("* 1 RECENT");
            assertThat(c.readLine()).isEqualTo("i OK IDLE completed");
        }
    }

    @Test
    void plaintextLoginIsRefusedOffLoopbackUnlessAllowed() throws Exception {
        // loopback is trusted; this checks the advertised capability path stays consistent
        try (ImapTestClient c = new ImapTestClient(fx.port())) {
            assertThat(c.readLine()).contains("AUTH=PLAIN").doesNotContain("LOGINDISABLED");
        }
    }
}
