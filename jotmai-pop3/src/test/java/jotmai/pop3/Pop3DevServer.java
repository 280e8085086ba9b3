package jotmai.pop3;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jotmai.shared.auth.AuthService;
import jotmai.shared.net.ListenerConfig;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * Serves POP3 on 127.0.0.1 from an existing SQLite data directory (e.g. the filled benchmark store),
 * for profiling by hand: {@code java -cp ... jotmai.pop3.Pop3DevServer <port> <data dir> [seconds]}.
 * Stops after the given time (default one hour) or when killed. The background SEARCH indexer is held
 * off ({@link Pop3Benchmark#INDEX_DELAY}): indexing a freshly filled bench store takes minutes of the
 * single writer's CPU and would be measured as part of every RETR.
 */
final class Pop3DevServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path data = Path.of(args[1]);
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 3600;
        try (Store store = SqliteStore.open(data, SqliteStore.Options.DEFAULTS.withIndexDelay(Pop3Benchmark.INDEX_DELAY));
             Pop3Server server = new Pop3Server(Pop3Config.loopback().withListeners(
                     List.of(new ListenerConfig("pop3", new InetSocketAddress("127.0.0.1", port), false,
                             ListenerConfig.DEFAULT_MAX_CONNECTIONS, ListenerConfig.DEFAULT_MAX_PER_IP, 512,
                             Duration.ofSeconds(30))), List.of()),
                     store, new AuthService(store.accounts()), null)) {
            server.start();
            System.out.println("Pop3DevServer: POP3 on 127.0.0.1:" + port + " serving " + data);
            Thread.sleep(Duration.ofSeconds(seconds));
        }
    }
}
