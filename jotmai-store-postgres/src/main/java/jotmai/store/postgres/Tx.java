package jotmai.store.postgres;

import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Set;

import jotmai.store.jdbc.WriteTx;

/** One write transaction: its connection, its clock, and the mailboxes to ring once it commits. */
final class Tx implements WriteTx {

    /** Thrown by work that found a conflict it cannot resolve in this transaction; the whole work reruns. */
    static final class Retry extends RuntimeException {
        Retry(String message) {
            super(message, null, false, false);
        }
    }

    private final Connection c;
    /** Whole milliseconds: what timestamptz stores and reads back exactly. */
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final Set<Long> ring = new LinkedHashSet<>();
    private boolean rollbackOnly;

    Tx(Connection c) {
        this.c = c;
    }

    @Override
    public Connection c() {
        return c;
    }

    Instant now() {
        return now;
    }

    @Override
    public void ring(long mailboxId) {
        ring.add(mailboxId);
    }

    Set<Long> mailboxesToRing() {
        return ring;
    }

    /** Ends the transaction with a rollback (nothing changed) instead of a commit. */
    void setRollbackOnly() {
        rollbackOnly = true;
    }

    boolean rollbackOnly() {
        return rollbackOnly;
    }
}
