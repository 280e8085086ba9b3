package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.testkit.DnsStub;

/**
 * Issue 6 items checked one by one against the queue runner: UTF-8 header without the client's
 * SMTPUTF8, "relayed" DSNs (RFC 3461 §4.1), TLS policy "required" failing closed on a bad handshake,
 * delivery over IPv6 to an MX with only an AAAA record.
 */
class OutboundAuditTest extends SinkTestBase {
    static byte[] utf8Subject() {
        return ("From: Alice <alice@local.test>\r\nTo: bob@remote.test\r\nSubject: Grüße\r\n"
                + "Message-ID: <utf8hdr@local.test>\r\n\r\nhello\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRawUtf8HeaderIsSentWithSmtputf8EvenWhenTheSubmitterDidNotAskForIt() {
        fx.enqueue(DeliveryFixture.SENDER, utf8Subject(), "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
        assertThat(sink.commands).anyMatch(c -> c.startsWith("MAIL FROM:<alice@local.test>") && c.contains(" SMTPUTF8"));
    }

    @Test
    void aRawUtf8HeaderBouncesWhenThePeerLacksSmtputf8() {
        sink.extensions = List.of("8BITMIME", "PIPELINING");
        fx.enqueue(DeliveryFixture.SENDER, utf8Subject(), "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
        }
        assertThat(sink.received).isEmpty();
        assertThat(fx.inbox().get(0)).contains("Status: 5.6.7").contains("Action: failed");
    }

    private void enqueueWithNotify(String subject, String notify) {
        fx.store.queue().enqueue(DeliveryFixture.SENDER,
                List.of(new QueueStore.QueuedRecipient("bob@remote.test", notify, "rfc822;bob@remote.test")),
                MessageSource.ofBytes(DeliveryFixture.message(subject, "x\r\n")),
                new QueueStore.DsnRequest("HDRS", "env-" + subject, false, false));
    }

    @Test
    void notifySuccessToAPeerWithoutDsnGetsARelayedNotice() {
        sink.extensions = List.of("PIPELINING", "8BITMIME");
        enqueueWithNotify("relayed", "SUCCESS,FAILURE");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
        }
        assertThat(sink.received).hasSize(1);
        assertThat(sink.commands).noneMatch(c -> c.contains("NOTIFY="));
        String notice = fx.inbox().get(0);
        assertThat(notice).contains("Action: relayed").contains("Status: 2.0.0")
                .contains("Final-Recipient: rfc822; bob@remote.test")
                .contains("Original-Recipient: rfc822; bob@remote.test")
                .contains("Original-Envelope-Id: env-relayed")
                .contains("Remote-MTA: dns; 127.0.0.1");
    }

    @Test
    void noRelayedNoticeWhenThePeerTakesOverDsnOrSuccessWasNotAskedFor() {
        enqueueWithNotify("passed-on", "SUCCESS");             // the peer has DSN: it reports success itself
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.commands).contains("RCPT TO:<bob@remote.test> NOTIFY=SUCCESS ORCPT=rfc822;bob@remote.test");

        sink.extensions = List.of("PIPELINING");
        enqueueWithNotify("default-notify", "");              // absent NOTIFY = FAILURE,DELAY only
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(2);
        assertThat(fx.inbox()).isEmpty();
    }

    @Test
    void requiredTlsWithAFailingHandshakeIsDeferredAndNeverSentInClearText() throws Exception {
        sink.tls = jotmai.shared.tls.TlsContextProvider.selfSigned(dir.resolve("tls"), "sink.test").get();
        String id = fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("tls-closed", "x\r\n"), "bob@remote.test");
        DeliveryConfig c = fx.config(Map.of("remote.test", sink.port()))
                .withTls(TlsMode.OPPORTUNISTIC, Map.of("remote.test", TlsMode.REQUIRED));
        // null = the JDK's default trust store: the sink's self-signed certificate fails the handshake
        try (DeliveryService s = new DeliveryService(c, fx.store, null)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().find(id)
                    .map(m -> m.recipients().get(0).attempts() >= 1).orElse(false));
        }
        assertThat(sink.commands).contains("STARTTLS").noneMatch(cmd -> cmd.startsWith("MAIL FROM"));
        assertThat(sink.received).isEmpty();
        QueueStore.RecipientState r = fx.store.queue().find(id).orElseThrow().recipients().get(0);
        assertThat(r.status()).isEqualTo(QueueStore.RecipientStatus.DEFERRED);
        assertThat(r.lastReply()).startsWith("4");
    }

    @Test
    void anMxWithOnlyAnIpv6AddressIsReachedOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TestSink sink6 = new TestSink(v6, 0); DnsStub stub = new DnsStub()) {
            Name mx = Name.fromString("mx6.dest6.test.");
            stub.add(new MXRecord(Name.fromString("dest6.test."), DClass.IN, 60, 10, mx));
            stub.add(new AAAARecord(mx, DClass.IN, 60, v6));
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("ipv6", "x\r\n"), "bob@dest6.test");
            DeliveryConfig c = fx.config(Map.of()).withRoutes(Map.of(), Optional.empty())
                    .withResolver(stub.address()).withRemotePort(sink6.port());
            try (DeliveryService s = fx.service(c)) {
                s.start();
                await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
            }
            assertThat(sink6.received).hasSize(1);
            assertThat(sink6.received.get(0).rcptTo()).containsExactly("bob@dest6.test");
        }
    }
}
