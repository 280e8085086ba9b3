package jotmai.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/** A real SQLite store with one local account, and a config routing remote.test to a sink. */
final class DeliveryFixture implements AutoCloseable {
    static final String SENDER = "alice@local.test";

    final Store store;
    final Account alice;
    final Path dir;

    DeliveryFixture(Path dir) {
        this.dir = dir;
        this.store = SqliteStore.open(dir.resolve("store"));
        store.accounts().addDomain("local.test");
        this.alice = store.accounts().createAccount(SENDER, "{PLAIN}secret", 0);
    }

    /** Fast retries, short timeouts, remote.test (and others given) routed to the sink's port. */
    DeliveryConfig config(Map<String, Integer> routes) {
        Map<String, Route> r = new java.util.HashMap<>();
        routes.forEach((d, port) -> r.put(d, Route.of("127.0.0.1", port)));
        return DeliveryConfig.defaults().withHelloName("mx.local.test").withDataDir(dir)
                .withRetries(List.of(Duration.ofMillis(300)), Duration.ofMillis(300), Duration.ofDays(1), Duration.ZERO)
                .withRoutes(r, Optional.empty())
                .withTls(TlsMode.NONE, Map.of())
                .withTimeouts(Timeouts.all(Duration.ofSeconds(3)), Duration.ofMillis(100), Duration.ofMinutes(1));
    }

    DeliveryService service(DeliveryConfig config) {
        return new DeliveryService(config, store, jotmai.shared.tls.InsecureClientTls::trustAllClientContext);
    }

    static byte[] message(String subject, String body) {
        return ("From: Alice <alice@local.test>\r\nTo: bob@remote.test\r\nSubject: " + subject
                + "\r\nDate: Sun, 29 Nov 2026 01:00:00 +0000\r\nMessage-ID: <" + subject.hashCode()
                + "@local.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    String enqueue(String from, byte[] content, String... recipients) {
        return enqueue(from, content, new QueueStore.DsnRequest("", "", false, false), recipients);
    }

    String enqueue(String from, byte[] content, QueueStore.DsnRequest dsn, String... recipients) {
        List<QueueStore.QueuedRecipient> rs = new ArrayList<>();
        for (String r : recipients) {
            rs.add(new QueueStore.QueuedRecipient(r, "", ""));
        }
        return store.queue().enqueue(from, rs, MessageSource.ofBytes(content), dsn);
    }

    /** The texts of the messages in alice's INBOX. */
    List<String> inbox() {
        Mailbox inbox = store.mail().mailbox(alice.id(), Mailbox.INBOX).orElseThrow();
        List<String> out = new ArrayList<>();
        for (MessageMeta m : store.mail().messages(inbox.id())) {
            try (InputStream in = store.mail().openContent(m.blob(), 0, Long.MAX_VALUE)) {
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        store.close();
    }
}
