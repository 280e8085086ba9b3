package jotmai.pop3;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;

import jotmai.shared.auth.AuthResult;
import jotmai.shared.auth.Authenticator;
import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * A real SQLite store in a temporary directory, accounts with passwords, and a running Pop3Server on
 * loopback (pop3 with STLS, pop3s). Passwords are checked by a small test Authenticator until
 * jotmai.shared.auth.AuthService lands.
 */
final class Pop3Fixture implements AutoCloseable {
    static final String DOMAIN = "example.test";

    final Path dataDir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    final SSLContext serverTls;
    final Store store;
    final Map<String, String> passwords = new ConcurrentHashMap<>();
    Pop3Server server;

    Pop3Fixture(Path dataDir) throws Exception {
        this.dataDir = dataDir;
        this.serverTls = TestTls.serverContext();
        this.store = SqliteStore.open(dataDir);
        store.accounts().addDomain(DOMAIN);
    }

    Account account(String localPart, String password) {
        Account a = store.accounts().createAccount(localPart + "@" + DOMAIN, "{TEST}", 0);
        passwords.put(a.address(), password);
        return a;
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

    Authenticator authenticator() {
        return (username, password, remote, protocol) -> {
            String expected = passwords.get(username.toLowerCase(java.util.Locale.ROOT));
            if (expected == null || !expected.equals(password)) {
                return new AuthResult.Failure("bad credentials");
            }
            return new AuthResult.Success(store.accounts().account(username).orElseThrow());
        };
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
