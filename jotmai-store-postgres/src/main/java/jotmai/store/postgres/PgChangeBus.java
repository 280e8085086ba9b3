package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ChangeBus;
import jotmai.store.StoreException;
import jotmai.store.support.LocalSubscribers;

/**
 * The cross-node change bus: PostgreSQL LISTEN/NOTIFY on one channel per schema.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>A write sends {@code pg_notify(channel, "<node> <mailboxId>")} inside its transaction;
 *       PostgreSQL delivers it only if the transaction commits, to every listening node. Local
 *       subscribers are rung by the writing thread right after commit, so this node ignores
 *       notifications that carry its own node id.</li>
 *   <li>One dedicated connection (not from the pool) LISTENs on a platform thread. When it breaks
 *       (database restart, network) the thread reconnects with exponential backoff up to
 *       {@link #MAX_BACKOFF_MILLIS}, and after reconnecting rings every subscribed mailbox once:
 *       notifications sent while it was away are lost, and a ring makes sessions pull
 *       {@code changesSince}, which heals them (the bus is a doorbell, not a log).</li>
 *   <li>Listeners run on the ringing thread and must only enqueue; one that throws is logged and the
 *       others still run.</li>
 * </ul>
 */
final class PgChangeBus implements ChangeBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgChangeBus.class);

    /** How long one wait for notifications blocks before the loop checks for close. */
    static final int POLL_MILLIS = 250;
    /** Idle time after which the LISTEN connection is probed with a query (detects dead peers). */
    static final long PROBE_AFTER_MILLIS = 15_000;
    static final long MIN_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;

    private final Db db;
    private final String channel;
    private final String nodeId = UUID.randomUUID().toString();
    private final LocalSubscribers subscribers =
            new LocalSubscribers((e, mailboxId) -> log.warn("change listener of mailbox {} failed", mailboxId, e));
    private final Thread listenThread;
    private volatile boolean closed;
    private volatile boolean listening;

    PgChangeBus(Db db, String schema) {
        this.db = db;
        this.channel = "jotmai_changes_" + schema;
        this.listenThread = Thread.ofPlatform().daemon().name("jotmai-pg-listen").unstarted(this::listenLoop);
    }

    void start() {
        listenThread.start();
    }

    /** Whether the LISTEN connection is up (for tests and health checks). */
    boolean listening() {
        return listening;
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public Subscription subscribe(long mailboxId, Runnable listener) {
        return subscribers.subscribe(mailboxId, listener);
    }

    /** Rings local subscribers and every other node (the CLI rings by hand after direct changes). */
    @Override
    public void ring(long mailboxId) {
        ringLocal(List.of(mailboxId));
        try {
            db.read(c -> {
                notify(c, List.of(mailboxId));
                return null;
            });
        } catch (StoreException e) {
            log.warn("cannot notify other nodes of mailbox {}: {}", mailboxId, e.getMessage());
        }
    }

    /** Queues notifications in the caller's transaction (sent on commit), in one round trip. */
    void notify(Connection c, Collection<Long> mailboxIds) throws SQLException {
        if (mailboxIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ? || ' ' || id) FROM unnest(?::bigint[]) id")) {
            ps.setString(1, channel);
            ps.setString(2, nodeId);
            ps.setArray(3, c.createArrayOf("bigint", mailboxIds.toArray()));
            ps.executeQuery().close();
        }
    }

    void ringLocal(Collection<Long> mailboxIds) {
        for (long id : mailboxIds) {
            subscribers.ring(id);
        }
    }

    private void listenLoop() {
        long backoff = MIN_BACKOFF_MILLIS;
        boolean wasConnected = false;
        boolean outageLogged = false;
        while (!closed) {
            try (Connection c = db.dedicatedConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                listening = true;
                backoff = MIN_BACKOFF_MILLIS;
                if (wasConnected) {
                    Set<Long> subscribed = subscribers.subscribedMailboxes();
                    log.info("change bus reconnected; ringing {} subscribed mailboxes", subscribed.size());
                    ringLocal(subscribed);
                }
                wasConnected = true;
                outageLogged = false;
                receive(c);
            } catch (SQLException | RuntimeException e) {
                listening = false;
                if (closed) {
                    break;
                }
                if (!outageLogged) {
                    log.warn("change bus connection lost, reconnecting: {}", e.getMessage());
                    outageLogged = true;
                }
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
        listening = false;
    }

    private void receive(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastTraffic = System.nanoTime();
        while (!closed) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                lastTraffic = System.nanoTime();
                for (PGNotification n : notifications) {
                    deliver(n.getParameter());
                }
            } else if ((System.nanoTime() - lastTraffic) / 1_000_000 > PROBE_AFTER_MILLIS) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                lastTraffic = System.nanoTime();
            }
        }
    }

    private void deliver(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0 || payload.startsWith(nodeId + " ")) {
            return; // our own commit: already rung locally
        }
        try {
            ringLocal(List.of(Long.parseLong(payload.substring(space + 1))));
        } catch (NumberFormatException e) {
            log.warn("ignoring malformed change notification");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        listenThread.interrupt();
        try {
            listenThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
