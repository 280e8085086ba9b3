package jotmai.store.sqlite;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jotmai.store.jdbc.WriteTx;

/**
 * One write task's view of the current group-commit transaction: the writer connection plus the
 * mailboxes to ring once the transaction is committed (never before: a session that hears the bell
 * must be able to read the change).
 */
final class Tx implements WriteTx {
    private final Connection connection;
    private final long now;
    private final Set<Long> ring = new LinkedHashSet<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final List<Long> purgedBlobs = new ArrayList<>();

    Tx(Connection connection, long now) {
        this.connection = connection;
        this.now = now;
    }

    @Override
    public Connection c() {
        return connection;
    }

    /** The batch's clock in epoch milliseconds. */
    long now() {
        return now;
    }

    @Override
    public void ring(long mailboxId) {
        ring.add(mailboxId);
    }

    void afterCommit(Runnable action) {
        afterCommit.add(action);
    }

    Set<Long> rings() {
        return ring;
    }

    /** Blobs this task deleted (their cached bytes go once the transaction is committed). */
    void purged(long blobId) {
        purgedBlobs.add(blobId);
    }

    List<Long> purgedBlobs() {
        return purgedBlobs;
    }

    List<Runnable> afterCommitActions() {
        return afterCommit;
    }
}
