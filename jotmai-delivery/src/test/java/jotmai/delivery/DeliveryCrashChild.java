package jotmai.delivery;

import java.nio.file.Path;
import java.util.Map;

import jotmai.store.sqlite.SqliteStore;

/** Tests only: a delivery process that {@link DeliveryCrashTest} kills with SIGKILL mid-delivery. */
public final class DeliveryCrashChild {
    private DeliveryCrashChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        SqliteStore store = SqliteStore.open(dir.resolve("store"));
        DeliveryService service = new DeliveryService(DeliveryCrashTest.config(dir, port), store, null);
        service.start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(120_000); // killed long before
    }
}
