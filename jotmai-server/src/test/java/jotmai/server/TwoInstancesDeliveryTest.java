package jotmai.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jotmai.dkim.DkimKeys;
import jotmai.server.config.ConfigLoader;
import jotmai.server.config.JotmaiConfig;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.Listener;
import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.Store;
import jotmai.testkit.DnsStub;

/**
 * End to end on loopback, two Jotmai instances as {@code jotmai serve} wires them: alice submits on A
 * (AUTH, Angus Mail); A's queue routes remote.test to B's MX listener and signs with example.com's
 * DKIM key; B verifies the signature with the key from a test DNS server and stores the message with
 * {@code Authentication-Results: mx.remote.test; dkim=pass}. Then B goes down: A keeps the next
 * message and delivers it after B is back, on a one-second retry schedule.
 */
@Timeout(180)
class TwoInstancesDeliveryTest {

    @TempDir Path data;

    private final List<AutoCloseable> open = new ArrayList<>();
    private Store storeA;
    private Store storeB;
    private JotmaiServer serverA;
    private JotmaiServer serverB;

    @AfterEach
    void stop() throws Exception {
        for (JotmaiServer s : new JotmaiServer[] {serverA, serverB}) {
            if (s != null) {
                s.close(1_000);
            }
        }
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private JotmaiConfig config(String... extra) {
        List<String> sets = new ArrayList<>(JotmaiServerTest.loopbackSettings());
        sets.addAll(List.of(extra));
        return ConfigLoader.load(Optional.empty(), sets);
    }

    @Test
    void mailFromAReachesBsInboxDkimVerifiedAndWaitsOutBsDowntime() throws Exception {
        Path dataA = data.resolve("a");
        Path dataB = data.resolve("b");
        DkimKeys.TxtRecord txt = DkimKeys.generate(dataA, "example.com", "jotmai", DkimKeys.Algorithm.RSA_SHA256);
        DnsStub dns = new DnsStub();
        open.add(dns);
        String v = txt.value(); // over 255 octets: two character-strings (RFC 6376 §3.6.2.2)
        dns.add(new TXTRecord(Name.fromString(txt.name() + "."), DClass.IN, 60,
                List.of(v.substring(0, 250), v.substring(250))));

        JotmaiConfig configB = config("server.hostname=mx.remote.test", "delivery.enabled=false",
                "delivery.resolver=127.0.0.1:" + dns.address().getPort());
        storeB = Stores.open(configB, dataB);
        open.add(storeB);
        storeB.accounts().addDomain("remote.test");
        Account bob = storeB.accounts().createAccount("bob@remote.test", Passwords.hash("bob-pw"), 0);
        serverB = JotmaiServer.start(configB, dataB, storeB);
        int mxPortB = serverB.listener("smtp").map(Listener::port).orElseThrow();

        JotmaiConfig configA = config("server.hostname=mx.example.com", "delivery.tls=none",
                "delivery.routes=remote.test=127.0.0.1:" + mxPortB, "delivery.retry-schedule=1s",
                "delivery.retry-interval=1s", "delivery.poll-interval=200ms");
        storeA = Stores.open(configA, dataA);
        open.add(storeA);
        storeA.accounts().addDomain("example.com");
        storeA.accounts().createAccount("alice@example.com", Passwords.hash("alice-pw"), 0);
        serverA = JotmaiServer.start(configA, dataA, storeA);

        submit("first");
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox(storeB, bob).size() == 1);
        String first = inbox(storeB, bob).getFirst();
        assertThat(first).startsWith("Return-Path: <alice@example.com>\r\nAuthentication-Results: mx.remote.test;\r\n"
                        + "\tdkim=pass header.d=example.com header.s=jotmai header.a=rsa-sha256 header.b=")
                .contains("\r\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=jotmai;")
                .contains("Subject: first");
        await().atMost(Duration.ofSeconds(10)).until(() -> storeA.queue().size() == 0);

        serverB.close(1_000);
        serverB = null;
        submit("second");
        await().atMost(Duration.ofSeconds(30)).until(() -> storeA.queue().list(10).stream()
                .anyMatch(m -> m.recipients().getFirst().attempts() >= 1));
        assertThat(storeA.queue().list(10).getFirst().recipients().getFirst().lastReply()).startsWith("4");

        serverB = JotmaiServer.start(config("server.hostname=mx.remote.test", "delivery.enabled=false",
                "delivery.resolver=127.0.0.1:" + dns.address().getPort(), "smtp.port=" + mxPortB), dataB, storeB);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox(storeB, bob).size() == 2);
        assertThat(inbox(storeB, bob).get(1)).contains("\tdkim=pass header.d=example.com").contains("Subject: second");
        await().atMost(Duration.ofSeconds(10)).until(() -> storeA.queue().size() == 0);
    }

    private void submit(String subject) throws Exception {
        int port = serverA.listener("submission").map(Listener::port).orElseThrow();
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.connectiontimeout", "30000");
        props.put("mail.smtp.timeout", "30000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("alice@example.com"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@remote.test"));
        message.setSubject(subject);
        message.setText("Grüße from A.\n", "utf-8");
        Transport.send(message, "alice@example.com", "alice-pw");
    }

    private static List<String> inbox(Store store, Account account) {
        Mailbox inbox = store.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow();
        List<String> out = new ArrayList<>();
        for (MessageMeta m : store.mail().messages(inbox.id())) {
            try (InputStream in = store.mail().openContent(m.blob())) {
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
