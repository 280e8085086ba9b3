import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jotmai.delivery.DeliveryConfig;
import jotmai.delivery.DeliveryService;
import jotmai.delivery.Route;
import jotmai.delivery.TlsMode;
import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.sqlite.SqliteStore;

/**
 * Queue throughput: enqueue MSGS messages of LEN octets spread over DOMAINS destination domains (all
 * routed to one local smtp-sink), then time until the runner has emptied the queue.
 * Usage: java -cp CP DeliveryBench.java WORKDIR SINK_PORT MSGS DOMAINS LEN
 */
public class DeliveryBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int msgs = Integer.parseInt(args[2]);
        int domains = Integer.parseInt(args[3]);
        int len = Integer.parseInt(args[4]);
        Map<String, Route> routes = new HashMap<>();
        for (int d = 0; d < domains; d++) {
            routes.put("dest" + d + ".test", Route.of("127.0.0.1", port));
        }
        DeliveryConfig config = DeliveryConfig.defaults().withHelloName("bench.local.test").withDataDir(work)
                .withRoutes(routes, Optional.empty()).withTls(TlsMode.NONE, Map.of())
                .withLimits(50, 10, 100);
        try (SqliteStore store = SqliteStore.open(work.resolve("store"))) {
            StringBuilder body = new StringBuilder();
            while (body.length() < len) {
                body.append("The quick brown fox jumps over the lazy dog. 0123456789 abcdefghij\r\n");
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < msgs; i++) {
                String to = "user" + (i % 50) + "@dest" + (i % domains) + ".test";
                byte[] m = ("From: bench@local.test\r\nTo: " + to + "\r\nSubject: bench " + i
                        + "\r\nMessage-ID: <" + i + "@local.test>\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
                store.queue().enqueue("bench@local.test", List.of(new QueueStore.QueuedRecipient(to, "", "")),
                        MessageSource.ofBytes(m), new QueueStore.DsnRequest("", "", false, false));
            }
            double enqueueSecs = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            try (DeliveryService service = new DeliveryService(config, store, null)) {
                service.start();
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (store.queue().size() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            double secs = (System.nanoTime() - t1) / 1e9;
            long left = store.queue().size();
            System.out.printf("SUMMARY domains=%d msgs=%d len=%d enqueue=%.1f msg/s deliver=%.2f s -> %.0f msg/s left=%d%n",
                    domains, msgs, len, msgs / enqueueSecs, secs, msgs / secs, left);
        }
    }
}
