package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import jotmai.store.QueueStore;
import jotmai.store.QueueStore.RecipientStatus;

/** The queue runner against an in-test SMTP sink on loopback, with a real SQLite store. */
class DeliveryServiceTest extends SinkTestBase {
    @Test
    void aQueuedMessageIsDeliveredAndLeavesTheQueue() {
        byte[] content = DeliveryFixture.message("hello", "Hi Bob\r\n.leading dot\r\n");
        fx.enqueue(DeliveryFixture.SENDER, content, "bob@remote.test", "carol@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
        TestSink.Received r = sink.received.get(0);
        assertThat(r.mailFrom()).isEqualTo(DeliveryFixture.SENDER);
        assertThat(r.rcptTo()).containsExactly("bob@remote.test", "carol@remote.test");
        assertThat(r.data()).isEqualTo(content);
        assertThat(r.text()).contains("\r\n.leading dot\r\n").contains("Subject: hello");
        assertThat(sink.commands).contains("EHLO mx.local.test");
    }

    @Test
    void severalMessagesToOneDomainShareOneConnection() {
        for (int i = 0; i < 5; i++) {
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("m" + i, "body " + i + "\r\n"),
                    "bob@remote.test");
        }
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(5);
        assertThat(sink.connections.get()).isEqualTo(1);
    }

    @Test
    void whileOneConnectionSendsTheNextMessageAtMostOneAcceptedMessageIsNotYetRecorded() {
        int n = 6;
        for (int i = 0; i < n; i++) {
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("gc" + i, "body " + i + "\r\n"), "bob@remote.test");
        }
        // The sink looks at the queue when each message's data has ended, before it answers: the outcomes
        // of all earlier messages on this connection are committed by then (PendingOutcome), so only this
        // message's own 250 would be lost in a crash.
        List<Long> queuedAtEachDot = new java.util.concurrent.CopyOnWriteArrayList<>();
        sink.dataReply = k -> {
            queuedAtEachDot.add(fx.store.queue().size());
            return "250 2.0.0 queued as " + k;
        };
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.connections.get()).isEqualTo(1);
        assertThat(queuedAtEachDot).containsExactly(6L, 5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void messagesArrivingOneAtATimeForOneDomainReuseTheOpenConnection() {
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port()))).idleReuse(WAIT)) {
            s.start();
            for (int i = 0; i < 4; i++) {
                fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("one" + i, "body\r\n"), "bob@remote.test");
                s.wake();
                int delivered = i + 1;
                await().atMost(WAIT).until(() -> sink.received.size() == delivered);
                // the next message arrives once the worker is idle (one arriving while it is still
                // busy recording the outcome may rightly get a second connection)
                await().atMost(WAIT).until(() -> s.idleConnections() == 1);
            }
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(4);
        assertThat(sink.connections.get()).isEqualTo(1);
    }

    @Test
    void aConnectionThePeerClosedWhileIdleIsReplacedInsteadOfDeferringTheNextMessage() {
        sink.hangUpAfterData = true;
        DeliveryConfig c = fx.config(Map.of("remote.test", sink.port()))
                .withRetries(List.of(Duration.ofHours(1)), Duration.ofHours(1), Duration.ofDays(1), Duration.ZERO);
        try (DeliveryService s = fx.service(c).idleReuse(WAIT)) {
            s.start();
            for (int i = 0; i < 2; i++) {
                fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("idle" + i, "body\r\n"), "bob@remote.test");
                s.wake();
                int delivered = i + 1;
                await().atMost(WAIT).until(() -> sink.received.size() == delivered);
                await().atMost(WAIT).until(() -> s.idleConnections() == 1); // reuse, not a second worker
            }
        }
        assertThat(sink.connections.get()).isEqualTo(2);
        // (the RSET probe went to the closed connection, so the sink never saw it)
        assertThat(fx.store.queue().size()).isZero();
    }

    @Test
    void aPermanentlyRefusedRecipientBouncesToTheLocalSenderWhileTheOtherIsDelivered() {
        sink.rcptReply = a -> a.startsWith("nobody") ? "550 5.1.1 no such user" : "250 2.1.5 ok";
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("bounce me", "text\r\n"),
                "bob@remote.test", "nobody@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
        }
        assertThat(sink.received).hasSize(1);
        assertThat(sink.received.get(0).rcptTo()).containsExactly("bob@remote.test");
        String dsn = fx.inbox().get(0);
        assertThat(dsn).contains("Content-Type: multipart/report; report-type=delivery-status")
                .contains("Final-Recipient: rfc822; nobody@remote.test")
                .contains("Action: failed").contains("Status: 5.1.1")
                .contains("Diagnostic-Code: smtp; 550 5.1.1 no such user")
                .contains("Subject: bounce me")
                .doesNotContain("bob@remote.test>: ");
    }

    @Test
    void aTemporaryFailureIsRetriedUntilItIsDelivered() {
        AtomicInteger calls = new AtomicInteger();
        sink.dataReply = n -> calls.incrementAndGet() < 3 ? "451 4.3.0 try again later" : "250 2.0.0 ok";
        String id = fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("retry", "x\r\n"), "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(calls.get()).isEqualTo(3);
        assertThat(sink.received).hasSize(1);
        assertThat(fx.inbox()).isEmpty();
        assertThat(fx.store.queue().find(id)).isEmpty();
    }

    @Test
    void anUnreachableDestinationIsDeferredWithItsReplyAndThenDeliveredWhenItComesBack() throws Exception {
        sink.close();
        int port = sink.port();
        String id = fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("later", "x\r\n"), "bob@remote.test");
        TestSink[] back = new TestSink[1];
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", port)))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().find(id).map(m -> m.recipients().get(0).attempts() >= 1)
                    .orElse(false));
            QueueStore.RecipientState r = fx.store.queue().find(id).orElseThrow().recipients().get(0);
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.lastReply()).startsWith("451 4.4.1");
            back[0] = TestSinkAt.open(port);
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        } finally {
            if (back[0] != null) {
                assertThat(back[0].received).hasSize(1);
                back[0].close();
            }
        }
    }

    @Test
    void aStuckPeerDoesNotDelayDeliveryToOtherDomains() throws Exception {
        try (TestSink stuck = new TestSink()) {
            stuck.silent = true;
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("stuck", "x\r\n"), "bob@stuck.test");
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("fine", "x\r\n"), "bob@remote.test");
            DeliveryConfig c = fx.config(Map.of("remote.test", sink.port(), "stuck.test", stuck.port()))
                    .withTimeouts(Timeouts.all(Duration.ofSeconds(20)), Duration.ofMillis(100), Duration.ofMinutes(1));
            try (DeliveryService s = fx.service(c)) {
                s.start();
                await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 1
                        && fx.store.queue().size() == 1);
                assertThat(stuck.connections.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void aMailLoopIsBouncedNotDelivered() {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < DeliveryConfig.DEFAULT_MAX_RECEIVED + 1; i++) {
            header.append("Received: from hop").append(i).append(" by x; Sun, 29 Nov 2026 01:00:00 +0000\r\n");
        }
        byte[] looped = (header + new String(DeliveryFixture.message("loop", "x\r\n"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        fx.enqueue(DeliveryFixture.SENDER, looped, "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
        }
        assertThat(sink.received).isEmpty();
        assertThat(fx.inbox().get(0)).contains("Status: 5.4.6").contains("mail loop");
    }

    @Test
    void aFailureOfABounceProducesNoFurtherBounce() {
        sink.rcptReply = a -> "550 5.1.1 no such user";
        fx.enqueue("", DeliveryFixture.message("dsn", "x\r\n"), "nobody@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(fx.inbox()).isEmpty();
        assertThat(fx.store.queue().size()).isZero();
    }

    @Test
    void anEightBitBodyIsSentAsQuotedPrintableToAPeerWithout8bitmime() {
        sink.extensions = java.util.List.of("PIPELINING", "SIZE 1000000");
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("8bit", "Grüße aus Köln\r\n"),
                new QueueStore.DsnRequest("", "", false, true), "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        String text = sink.received.get(0).text();
        assertThat(text).contains("Content-Transfer-Encoding: quoted-printable").contains("Gr=C3=BC=C3=9Fe aus K=C3=B6ln");
        assertThat(new String(sink.received.get(0).data(), StandardCharsets.ISO_8859_1)).matches("[\\x00-\\x7f]*");
        assertThat(sink.commands).noneMatch(c -> c.contains("BODY=8BITMIME"));
    }

    @Test
    void aMessageNeedingSmtputf8BouncesWhenThePeerLacksIt() {
        sink.extensions = java.util.List.of("8BITMIME");
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("utf8", "x\r\n"),
                new QueueStore.DsnRequest("", "", true, true), "bøb@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
        }
        assertThat(sink.received).isEmpty();
        assertThat(fx.inbox().get(0)).contains("Status: 5.6.7");
    }

    @Test
    void aPeerRefusingEhloGetsHeloAndTheMessageWithoutExtensions() {
        sink.refuseEhlo = true;
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("helo", "x\r\n"), "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
        assertThat(sink.commands).contains("HELO mx.local.test").contains("MAIL FROM:<alice@local.test>");
    }

    @Test
    void dsnParametersArePassedOnToAPeerThatSupportsDsn() {
        fx.store.queue().enqueue(DeliveryFixture.SENDER,
                java.util.List.of(new QueueStore.QueuedRecipient("bob@remote.test", "FAILURE,DELAY",
                        "rfc822;bob@remote.test")),
                jotmai.store.MessageSource.ofBytes(DeliveryFixture.message("dsn-pass", "x\r\n")),
                new QueueStore.DsnRequest("HDRS", "env42", false, false));
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.commands).anyMatch(c -> c.startsWith("MAIL FROM:<alice@local.test>") && c.contains("RET=HDRS")
                && c.contains("ENVID=env42"));
        assertThat(sink.commands).contains("RCPT TO:<bob@remote.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;bob@remote.test");
    }

    @Test
    void requiredTlsIsUsedWhenOfferedAndDefersWhenNot() throws Exception {
        sink.tls = jotmai.shared.tls.TlsContextProvider.selfSigned(dir.resolve("tls"), "sink.test").get();
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("tls", "x\r\n"), "bob@remote.test");
        DeliveryConfig c = fx.config(Map.of("remote.test", sink.port())).withTls(TlsMode.REQUIRED, Map.of());
        try (DeliveryService s = fx.service(c)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
        assertThat(sink.received.get(0).tls()).isTrue();

        sink.tls = null;
        String id = fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("tls2", "x\r\n"), "bob@remote.test");
        try (DeliveryService s = fx.service(c)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().find(id).map(m -> m.recipients().get(0).attempts() >= 1)
                    .orElse(false));
        }
        assertThat(fx.store.queue().find(id).orElseThrow().recipients().get(0).lastReply()).contains("4.7.4");
        assertThat(sink.received).hasSize(1);
    }

    @Test
    void aLongDelayedMessageGetsOneDelayWarningAndExpiresWithABounce() {
        sink.dataReply = n -> "451 4.3.0 busy";
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("slow", "x\r\n"), "bob@remote.test");
        DeliveryConfig c = fx.config(Map.of("remote.test", sink.port()))
                .withRetries(java.util.List.of(Duration.ofMillis(200)), Duration.ofMillis(200), Duration.ofSeconds(3),
                        Duration.ofMillis(500));
        try (DeliveryService s = fx.service(c)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && fx.inbox().size() == 2);
        }
        String warning = fx.inbox().get(0);
        assertThat(warning).contains("Action: delayed").contains("Status: 4.3.0").contains("Will-Retry-Until:");
        String bounce = fx.inbox().get(1);
        assertThat(bounce).contains("Action: failed").contains("Status: 4.4.7").contains("expired");
        assertThat(sink.received).isEmpty();
    }

    @Test
    void notifyNeverSuppressesTheBounce() {
        sink.rcptReply = a -> "550 5.1.1 no such user";
        fx.store.queue().enqueue(DeliveryFixture.SENDER,
                java.util.List.of(new QueueStore.QueuedRecipient("nobody@remote.test", "NEVER", "")),
                jotmai.store.MessageSource.ofBytes(DeliveryFixture.message("never", "x\r\n")),
                new QueueStore.DsnRequest("", "", false, false));
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(fx.inbox()).isEmpty();
    }

    @Test
    void aBounceToAnExternalSenderIsQueuedWithTheNullSender() {
        sink.rcptReply = a -> a.startsWith("nobody") ? "550 5.1.1 no such user" : "250 ok";
        fx.enqueue("someone@remote.test", DeliveryFixture.message("ext", "x\r\n"), "nobody@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && sink.received.size() == 1);
        }
        TestSink.Received dsn = sink.received.get(0);
        assertThat(dsn.mailFrom()).isEmpty();
        assertThat(dsn.rcptTo()).containsExactly("someone@remote.test");
        assertThat(dsn.text()).contains("Final-Recipient: rfc822; nobody@remote.test");
    }

    @Test
    void aRelayHostReceivesEveryMessageWithAuthentication() {
        sink.authPlain = "\0relayuser\0relay-secret";
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("relay", "x\r\n"), "bob@anywhere.test",
                "carol@elsewhere.test");
        DeliveryConfig c = fx.config(Map.of()).withRoutes(Map.of(), java.util.Optional.of(new Route("127.0.0.1",
                sink.port(), java.util.Optional.of(new Route.Credentials("relayuser", "relay-secret")))));
        try (DeliveryService s = fx.service(c)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.authenticated).isNotEmpty().allMatch("relayuser"::equals);
        assertThat(sink.received).flatExtracting(TestSink.Received::rcptTo)
                .containsExactlyInAnyOrder("bob@anywhere.test", "carol@elsewhere.test");
    }

    @Test
    void wrongRelayCredentialsDeferInsteadOfBouncing() {
        sink.authPlain = "\0relayuser\0right";
        String id = fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("relay2", "x\r\n"), "bob@anywhere.test");
        DeliveryConfig c = fx.config(Map.of()).withRoutes(Map.of(), java.util.Optional.of(new Route("127.0.0.1",
                sink.port(), java.util.Optional.of(new Route.Credentials("relayuser", "wrong")))));
        try (DeliveryService s = fx.service(c)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().find(id).map(m -> m.recipients().get(0).attempts() >= 1)
                    .orElse(false));
        }
        QueueStore.RecipientState r = fx.store.queue().find(id).orElseThrow().recipients().get(0);
        assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
        assertThat(r.lastReply()).contains("4.7.8");
        assertThat(fx.inbox()).isEmpty();
    }

    @Test
    void opportunisticTlsFallsBackToClearTextWhenTheHandshakeFails() throws Exception {
        sink.tls = jotmai.shared.tls.TlsContextProvider.selfSigned(dir.resolve("tls"), "sink.test").get();
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("fallback", "x\r\n"), "bob@remote.test");
        DeliveryConfig c = fx.config(Map.of("remote.test", sink.port())).withTls(TlsMode.OPPORTUNISTIC, Map.of());
        // null = the JDK's default trust store, which does not trust the sink's self-signed certificate
        try (DeliveryService s = new DeliveryService(c, fx.store, null)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(1);
        assertThat(sink.received.get(0).tls()).isFalse();
        assertThat(sink.commands).contains("STARTTLS");
    }

    @Test
    void aMessageLargerThanThePeersSizeLimitIsRefusedBeforeSending() {
        sink.extensions = java.util.List.of("PIPELINING", "8BITMIME", "SIZE 200");
        fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("big", "x".repeat(500) + "\r\n"), "bob@remote.test");
        try (DeliveryService s = fx.service(fx.config(Map.of("remote.test", sink.port())))) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
        }
        assertThat(sink.commands).noneMatch(c -> c.startsWith("MAIL FROM"));
        assertThat(fx.inbox().get(0)).contains("Status: 5.3.4");
    }

    @Test
    void connectionsToOneDomainStayWithinThePerDomainLimit() {
        sink.dataReply = n -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "250 2.0.0 ok";
        };
        for (int i = 0; i < 8; i++) {
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("limit" + i, "x\r\n"), "bob@remote.test");
        }
        DeliveryConfig c = fx.config(Map.of("remote.test", sink.port())).withLimits(10, 2, 1);
        try (DeliveryService s = fx.service(c)) {
            s.start();
            await().atMost(WAIT).until(() -> fx.store.queue().size() == 0);
        }
        assertThat(sink.received).hasSize(8);
        assertThat(sink.connections.get()).isEqualTo(8);
        assertThat(sink.maxActive.get()).isBetween(1, 2);
    }
}
