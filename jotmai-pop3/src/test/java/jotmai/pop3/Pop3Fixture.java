package jotmai.pop3;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import javax.net.ssl.SSLContext;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Authenticator;
import jotmai.shared.auth.Passwords;
import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * A real SQLite store in a temporary directory, accounts with passwords, and a running Pop3Server on
 * loopback (pop3 with STLS, pop3s). Passwords are Argon2id hashes checked by the shared AuthService.
 */
final class Pop3Fixture implements AutoCloseable {
    static final String DOMAIN = "example.test";

    final Path dataDir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    final SSLContext serverTls;
    final Store store;
    Pop3Server server;

    Pop3Fixture(Path dataDir) throws Exception {
        this(dataDir, SqliteStore.Options.DEFAULTS);
    }

    Pop3Fixture(Path dataDir, SqliteStore.Options options) throws Exception {
        this.dataDir = dataDir;
        this.serverTls = TestTls.serverContext();
        this.store = SqliteStore.open(dataDir, options);
        if (!store.accounts().isHostedDomain(DOMAIN)) {
            store.accounts().addDomain(DOMAIN);
        }
    }

    Account account(String localPart, String password) {
        return store.accounts().createAccount(localPart + "@" + DOMAIN, Passwords.hash(password), 0);
    }

    Mailbox inbox(Account a) {
        return store.mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow();
    }

    AppendResult deliver(Account a, String message) {
        return deliver(a, message.getBytes(StandardCharsets.UTF_8), Set.of());
    }

    AppendResult deliver(Account a, byte[] message, Set<String> flags) {
        return store.mail().append(inbox(a).id(), MessageSource.ofBytes(message), flags, clock.instant());
    }

    static String message(int i) {
        return "From: sender@example.org\r\nTo: alice@example.test\r\nSubject: message " + i
                + "\r\nMessage-ID: <m" + i + "@example.org>\r\n\r\nHello " + i + "\r\n.a line with a dot\r\nbye\r\n";
    }

    /** The real shared authentication service, with its throttling. */
    Authenticator authenticator() {
        return new AuthService(store.accounts());
    }

    Pop3Server start(Pop3Config config) throws Exception {
        server = new Pop3Server(config, store, authenticator(), () -> serverTls, clock);
        server.start();
        return server;
    }

    Pop3Server start() throws Exception {
        return start(Pop3Config.loopback());
    }

    int pop3Port() {
        return server.listeners().stream().filter(l -> !l.config().implicitTls()).findFirst().orElseThrow().port();
    }

    int pop3sPort() {
        return server.listeners().stream().filter(l -> l.config().implicitTls()).findFirst().orElseThrow().port();
    }

    Pop3TestClient connect() throws Exception {
        return Pop3TestClient.connect(pop3Port());
    }

    void restart(Pop3Config config) throws Exception {
        server.close(1000);
        start(config);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close(2000);
        }
        store.close();
    }
}
