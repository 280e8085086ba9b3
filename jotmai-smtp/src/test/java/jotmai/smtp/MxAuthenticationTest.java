package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import jotmai.dkim.DkimKeys;
import jotmai.dkim.DkimSigner;
import jotmai.dkim.DkimVerifier;
import jotmai.dkim.KeyLookup;
import jotmai.dkim.MessageHeader;

/**
 * The MX listener verifies DKIM and prepends Authentication-Results (RFC 8601), removing forged ones
 * that claim our authserv-id (§5); submission does neither. Keys come from an in-memory DNS answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MxAuthenticationTest {
    static final String AUTHSERV = "mx.example.test";

    Path dir;
    SmtpFixture fx;
    final Map<String, KeyLookup.Answer> dns = new ConcurrentHashMap<>();

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        KeyLookup lookup = name -> dns.getOrDefault(name, new KeyLookup.Answer.NotFound());
        fx = new SmtpFixture(dir, c -> c, new InboundAuth(AUTHSERV,
                Optional.of(new DkimVerifier(lookup, Clock.systemUTC()))));
        for (DkimKeys.Algorithm alg : DkimKeys.Algorithm.values()) {
            DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "remote.test", alg.keyType(), alg);
            dns.put(txt.name(), new KeyLookup.Answer.Found(List.of(txt.value())));
        }
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    static String message(String subject, String body) {
        return "From: Sender <sender@remote.test>\r\nTo: bob@example.test\r\nSubject: " + subject
                + "\r\n\r\n" + body;
    }

    /** The message signed with remote.test's Ed25519 and RSA keys (rsa on top). */
    String signed(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        MessageHeader h = MessageHeader.parse(bytes);
        byte[] body = java.util.Arrays.copyOfRange(bytes, (int) h.bodyOffset(), bytes.length);
        StringBuilder fields = new StringBuilder();
        for (DkimKeys.SigningKey k : DkimKeys.keysFor(dir, "remote.test")) {
            fields.insert(0, new DkimSigner(Clock.systemUTC()).signatureField(h.fields(), body, k));
        }
        return fields + message;
    }

    /** Sends over the given listener (AUTH on submission) and returns what bob's INBOX got. */
    String deliver(String listener, String data) throws Exception {
        int before = fx.inbox(fx.bob).size();
        try (SmtpClient c = fx.connect(listener)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.send("EHLO client.remote.test")).startsWith("250");
            if (listener.equals("submission")) {
                String auth = java.util.Base64.getEncoder().encodeToString(
                        ("\0alice@example.test\0" + SmtpFixture.PASSWORD).getBytes(StandardCharsets.UTF_8));
                assertThat(c.send("AUTH PLAIN " + auth)).startsWith("235");
            }
            String from = listener.equals("submission") ? "alice@example.test" : "sender@remote.test";
            assertThat(c.send("MAIL FROM:<" + from + ">")).startsWith("250");
            assertThat(c.send("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            StringBuilder dotted = new StringBuilder();
            for (String line : data.split("\r\n", -1)) {
                dotted.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            }
            String wire = dotted.substring(0, dotted.length() - 2); // data ends with CRLF: no extra line
            assertThat(c.send(wire + ".")).startsWith("250 2.0.0");
        }
        List<byte[]> inbox = fx.inbox(fx.bob);
        assertThat(inbox).hasSize(before + 1);
        return new String(inbox.getLast(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aMessageSignedWithRsaAndEd25519GetsDkimPassForBothRightAfterReturnPath() throws Exception {
        String stored = deliver("smtp", signed(message("signed", "Hello  there\r\n")));
        assertThat(stored).startsWith("Return-Path: <sender@remote.test>\r\nAuthentication-Results: " + AUTHSERV
                + ";\r\n\tdkim=pass header.d=remote.test header.s=rsa header.a=rsa-sha256 header.b=");
        assertThat(stored).contains(";\r\n\tdkim=pass header.d=remote.test header.s=ed25519 header.a=ed25519-sha256")
                .contains("\r\nReceived: from client.remote.test").endsWith("\r\n\r\nHello  there\r\n");
    }

    @Test
    void aTamperedBodyFailsAndAnUnsignedMessageIsDkimNone() throws Exception {
        String tampered = signed(message("tampered", "Pay 10 EUR\r\n")).replace("Pay 10 EUR", "Pay 99 EUR");
        assertThat(deliver("smtp", tampered)).contains("dkim=fail reason=\"body hash did not verify\" header.d=remote.test");
        assertThat(deliver("smtp", message("unsigned", "Hi\r\n")))
                .startsWith("Return-Path: <sender@remote.test>\r\nAuthentication-Results: " + AUTHSERV
                        + ";\r\n\tdkim=none\r\nReceived: ");
    }

    @Test
    void forgedResultsClaimingOurAuthservIdAreRemovedOthersKept() throws Exception {
        String data = "Authentication-Results: MX.example.test;\r\n dkim=pass header.d=bank.test\r\n"
                + "Authentication-Results: other.test; dkim=pass\r\n"
                + message("forged", "Hi\r\n")
                .replace("To: bob", "Authentication-Results: (sneaky) mx.example.test 1; spf=pass\r\nTo: bob");
        String stored = deliver("smtp", data);
        assertThat(stored).doesNotContain("bank.test").doesNotContain("spf=pass").doesNotContain("(sneaky)")
                .contains("\r\nAuthentication-Results: other.test; dkim=pass\r\nFrom: Sender <sender@remote.test>\r\n"
                        + "To: bob@example.test\r\nSubject: forged\r\n\r\nHi\r\n")
                .contains("\tdkim=none\r\n");
    }

    @Test
    void aLargeSignedMessageStagedOnDiskVerifiesAndIsStoredWhole() throws Exception {
        String body = ("0123456789 abcdefghijklmnopqrstuvwxyz  ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n").repeat(3_000);
        String stored = deliver("smtp", signed(message("large", body)));
        assertThat(stored).contains("dkim=pass header.d=remote.test header.s=rsa").endsWith("\r\n\r\n" + body);
    }

    @Test
    void submissionGetsNoAuthenticationResults() throws Exception {
        String stored = deliver("submission", message("submitted", "Hi\r\n"));
        assertThat(stored).doesNotContain("Authentication-Results");
    }
}
