package jotmai.shared.net;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking socket writes have no timeout in Java. One watchdog thread for the whole process looks at
 * every open connection once per {@link #PERIOD} and aborts those whose current write has made no
 * progress for longer than their write-stall timeout (a client that stopped reading while we send it
 * 25 MB). Writes are split into chunks by {@link Connection}, so "no progress" means one chunk stuck.
 * The same pass ends reads that waited longer than the connection's idle timeout ({@link IdleWatch}).
 */
final class WriteWatchdog {
    private static final Logger log = LoggerFactory.getLogger(WriteWatchdog.class);

    static final Duration PERIOD = Duration.ofSeconds(1);

    private static final Set<Connection> watched = ConcurrentHashMap.newKeySet();
    private static volatile Thread thread;

    private WriteWatchdog() {
    }

    static void watch(Connection c) {
        watched.add(c);
        if (thread == null) {
            startOnce();
        }
    }

    static void unwatch(Connection c) {
        watched.remove(c);
    }

    private static synchronized void startOnce() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("write-watchdog").start(WriteWatchdog::run);
        }
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : watched) {
                if (c.idleOverdueAt(now)) {
                    log.debug("{} session {}: idle timeout", c.listenerName(), c.id());
                    c.expireIdle();
                }
                if (c.writeStalledAt(now)) {
                    log.info("{} session {}: write stalled longer than {}s, closing", c.listenerName(), c.id(),
                            c.writeStallTimeout().toSeconds());
                    c.abort();
                    watched.remove(c);
                }
            }
        }
    }
}
