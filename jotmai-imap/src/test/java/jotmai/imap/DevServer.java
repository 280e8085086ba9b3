package jotmai.imap;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Authenticator;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.ListenerConfig;
import jotmai.shared.tls.TlsContextProvider;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * A Jotmai IMAP server for manual runs and imaptest until `jotmai serve` exists:
 * {@code DevServer [port] [dataDir] [users]} opens a SqliteStore in dataDir (a new temp dir by default),
 * creates testuser@example.test and user1..userN@example.test (password "pass") and serves IMAP on
 * 127.0.0.1:port (default 11143) with plaintext login allowed. Runs until killed.
 *
 * <p>A fourth argument {@code auth-cache} remembers successful logins (user and a SHA-256 of the
 * password) so that only the first login of each user pays for Argon2id: for benchmarks that open
 * thousands of sessions to measure something else (IDLE memory and fan-out). Not for production.
 */
public final class DevServer {
    private DevServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 11143;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("jotmai-imap-dev");
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Files.createDirectories(dir);
        Store store = SqliteStore.open(dir);
        if (!store.accounts().isHostedDomain("example.test")) {
            store.accounts().addDomain("example.test");
            String hash = Passwords.hash("pass");
            store.accounts().createAccount("testuser@example.test", hash, 0);
            for (int i = 1; i <= users; i++) {
                store.accounts().createAccount("user" + i + "@example.test", hash, 0);
            }
        }
        ListenerConfig listener = new ListenerConfig("imap", new InetSocketAddress("127.0.0.1", port), false,
                20_000, 20_000, 512, Duration.ofSeconds(30));
        ImapConfig config = ImapConfig.defaults().withListeners(listener, null).withAllowPlaintextAuth(true);
        boolean authCache = args.length > 3 && args[3].equals("auth-cache");
        Authenticator auth = new AuthService(store.accounts());
        if (authCache) {
            auth = new CachingAuthenticator(auth);
        }
        ImapServer server = new ImapServer(config, store, auth,
                TlsContextProvider.selfSigned(dir, "localhost"));
        server.start();
        System.out.println("DevServer: IMAP on 127.0.0.1:" + port + ", data in " + dir
                + (authCache ? " (login cache on)" : ""));
        Thread.currentThread().join();
    }
}
