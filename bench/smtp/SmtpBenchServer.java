import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.ListenerConfig;
import jotmai.smtp.SmtpConfig;
import jotmai.smtp.SmtpServer;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * Benchmark server: Jotmai's SMTP MX listener on a SQLite store (durable: 250 only after the store's
 * commit), users user1..userN@example.test. Run with the module classpath:
 *   java -cp CP bench/smtp/SmtpBenchServer.java DATA_DIR PORT USERS
 * Prints READY when listening; stops on SIGTERM.
 */
public class SmtpBenchServer {
    public static void main(String[] args) throws Exception {
        Path data = Files.createDirectories(Path.of(args[0]));
        int port = Integer.parseInt(args[1]);
        int users = Integer.parseInt(args[2]);
        Store store = SqliteStore.open(data);
        if (!store.accounts().isHostedDomain("example.test")) {
            store.accounts().addDomain("example.test");
            String hash = Passwords.hash("pass");
            for (int i = 1; i <= users; i++) {
                store.accounts().createAccount("user" + i + "@example.test", hash, 0);
            }
        }
        ListenerConfig mx = new ListenerConfig("smtp", new InetSocketAddress("127.0.0.1", port), false,
                20_000, 1_000, 512, Duration.ofSeconds(30));
        SmtpConfig config = SmtpConfig.defaults().withHostname("jotmai.bench")
                .withListeners(Optional.of(mx), Optional.empty(), Optional.empty(), Optional.empty())
                .withStagingDirectory(Files.createDirectories(data.resolve("staging")));
        SmtpServer server = new SmtpServer(config, store, new AuthService(store.accounts()), null);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(2000);
            store.close();
        }));
        System.out.println("READY");
        Thread.currentThread().join();
    }
}
