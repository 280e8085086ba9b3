package jotmai.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.ListenerConfig;
import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * A real SQLite store in a temporary directory with accounts, and an SmtpServer on loopback port 0
 * with all four listeners. 127.0.0.1 is NOT trusted (so relay tests see the world's view).
 */
final class SmtpFixture implements AutoCloseable {
    static final String PASSWORD = "secret";
    private static String passwordHash;

    final Store store;
    final SmtpServer server;
    final Account alice;
    final Account bob;
    final Account small;

    SmtpFixture(Path dir) throws Exception {
        this(dir, c -> c);
    }

    SmtpFixture(Path dir, UnaryOperator<SmtpConfig> customize) throws Exception {
        this(dir, customize, InboundAuth.off());
    }

    SmtpFixture(Path dir, UnaryOperator<SmtpConfig> customize, InboundAuth inbound) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path staging = Files.createDirectories(dir.resolve("staging"));
        store = SqliteStore.open(data);
        var accounts = store.accounts();
        accounts.addDomain("example.test");
        accounts.addDomain("other.test");
        alice = accounts.createAccount("alice@example.test", hash(), 0);
        bob = accounts.createAccount("bob@example.test", hash(), 0);
        small = accounts.createAccount("small@example.test", hash(), 2000);
        accounts.createAccount("postmaster@example.test", hash(), 0);
        accounts.addAlias("team@example.test", "alice@example.test");
        accounts.addAlias("team@example.test", "bob@example.test");
        accounts.addAlias("fwd@example.test", "someone@remote.test");
        accounts.addAlias("@other.test", "bob@example.test");
        SmtpConfig config = SmtpConfig.defaults()
                .withHostname("mx.example.test")
                .withListeners(
                        Optional.of(ListenerConfig.loopback("smtp", false)),
                        Optional.of(ListenerConfig.loopback("submission", false)),
                        Optional.of(ListenerConfig.loopback("submissions", true)),
                        Optional.of(ListenerConfig.loopback("lmtp", false)))
                .withTrustedNetworks(List.of())
                .withTimeouts(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(1))
                .withStagingDirectory(staging);
        var tls = TestTls.serverContext();
        server = new SmtpServer(customize.apply(config), store, new AuthService(accounts), () -> tls, () -> { },
                inbound);
        server.start();
    }

    private static synchronized String hash() {
        if (passwordHash == null) {
            passwordHash = Passwords.hash(PASSWORD);
        }
        return passwordHash;
    }

    int port(String listener) {
        return server.listener(listener).orElseThrow().port();
    }

    SmtpClient connect(String listener) throws IOException {
        return new SmtpClient(port(listener));
    }

    /** The raw bytes of every message in the account's INBOX, in UID order. */
    List<byte[]> inbox(Account account) {
        Mailbox inbox = store.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow();
        List<byte[]> result = new ArrayList<>();
        for (MessageMeta m : store.mail().messages(inbox.id())) {
            try (InputStream in = store.mail().openContent(m.blob())) {
                result.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return result;
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
