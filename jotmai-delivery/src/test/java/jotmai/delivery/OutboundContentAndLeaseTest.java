package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jotmai.dkim.DkimKeys;
import jotmai.dkim.DkimResult;
import jotmai.dkim.DkimVerifier;
import jotmai.dkim.KeyLookup;

/**
 * What the runner does to the content and the lease: DKIM signing on/off (DeliveryConfig.dkimSign),
 * multipart 8-bit → quoted-printable per part for a peer without 8BITMIME (signed after conversion),
 * and lease renewal while a slow peer takes its time.
 */
class OutboundContentAndLeaseTest extends SinkTestBase {
    private TestSink.Received deliverOne(DeliveryConfig config, byte[] content) {
        fx.enqueue(DeliveryFixture.SENDER, content, "bob@remote.test");
        try (DeliveryService s = fx.service(config)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
        return sink.received.getFirst();
    }

    private static List<DkimResult> verify(byte[] data, DkimKeys.TxtRecord txt) throws Exception {
        KeyLookup dns = name -> name.equals(txt.name()) ? new KeyLookup.Answer.Found(List.of(txt.value()))
                : new KeyLookup.Answer.NotFound();
        return new DkimVerifier(dns, Clock.systemUTC()).verify(new ByteArrayInputStream(data)).results();
    }

    @Test
    void withSigningOnTheMessageCarriesAValidSignatureAndWithSigningOffNone() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "local.test", "s1", DkimKeys.Algorithm.ED25519_SHA256);
        DeliveryConfig config = fx.config(Map.of("remote.test", sink.port()));
        TestSink.Received signed = deliverOne(config, DeliveryFixture.message("signed", "Hi\r\n"));
        assertThat(verify(signed.data(), txt)).singleElement()
                .satisfies(r -> assertThat(r.result()).isEqualTo(DkimResult.Result.PASS));

        sink.received.clear();
        TestSink.Received unsigned = deliverOne(config.withDkim(false, "s1"), DeliveryFixture.message("plain", "Hi\r\n"));
        assertThat(unsigned.text()).doesNotContain("DKIM-Signature");
    }

    static final String MULTIPART = "From: Alice <alice@local.test>\r\nTo: bob@remote.test\r\nSubject: parts\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
            + "preamble\r\n--outer\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Café crème = 3 €\r\nsecond line\r\n"
            + "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
            + "--inner\r\nContent-Type: text/plain\r\n\r\nplain ascii  \r\n"
            + "--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Grüße</p>\r\n--inner--\r\n"
            + "--outer\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "AAECAwQ=\r\n--outer--\r\nepilogue\r\n";

    @Test
    void aMultipart8BitMessageIsConvertedPartByPartForAPeerWithout8BitMimeAndSignedAfterwards() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "local.test", "s1", DkimKeys.Algorithm.RSA_SHA256);
        sink.extensions = List.of("PIPELINING", "SIZE 10000000");
        TestSink.Received r = deliverOne(fx.config(Map.of("remote.test", sink.port())),
                MULTIPART.getBytes(StandardCharsets.UTF_8));
        for (byte b : r.data()) {
            assertThat(b).as("only 7-bit octets go out").isNotNegative();
        }
        String text = r.text();
        assertThat(text).contains("--outer\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=C3=A9 cr=C3=A8me =3D 3 =E2=82=AC\r\n"
                        + "second line\r\n--outer\r\n")
                .contains("--inner\r\nContent-Type: text/plain\r\n\r\nplain ascii  \r\n--inner\r\n")
                .contains("<p>Gr=C3=BC=C3=9Fe</p>\r\n--inner--\r\n")
                .contains("base64\r\n\r\nAAECAwQ=\r\n--outer--\r\nepilogue\r\n")
                .startsWith("DKIM-Signature:");
        assertThat(sink.commands).noneMatch(c -> c.contains("BODY=8BITMIME"));
        assertThat(verify(r.data(), txt)).singleElement()
                .satisfies(v -> assertThat(v.result()).isEqualTo(DkimResult.Result.PASS));
    }

    @Test
    void aLongTransferRenewsItsLeaseSoNoOtherRunnerCanClaimTheMessage() throws Exception {
        sink.dataReply = n -> {
            try {
                Thread.sleep(4_000); // a slow peer: far longer than the one-second lease
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 2.0.0 queued as " + n;
        };
        DeliveryConfig config = fx.config(Map.of("remote.test", sink.port()))
                .withTimeouts(Timeouts.all(Duration.ofSeconds(30)), Duration.ofMillis(100), Duration.ofSeconds(1));
        String id = fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("slow", "Hi\r\n"), "bob@remote.test");
        try (DeliveryService s = fx.service(config)) {
            s.start();
            await().atMost(WAIT).until(() -> !sink.commands.stream().filter(c -> c.startsWith("DATA")).toList().isEmpty());
            Instant deadline = Instant.now().plusSeconds(3);
            while (Instant.now().isBefore(deadline) && fx.store.queue().size() > 0) {
                // another runner sharing the store: must find nothing to claim while the transfer runs
                assertThat(fx.store.queue().claimDue(Instant.now(), 10, Duration.ofMinutes(10)))
                        .extracting(m -> m.id()).doesNotContain(id);
                Thread.sleep(200);
            }
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
    }
}
