package jotmai.store.jdbc;

import java.sql.Connection;

/**
 * What shared store code needs of a backend's write transaction: its connection, and a way to ring a
 * mailbox's bell once the transaction has committed (never before: a session that hears the bell must
 * be able to read the change). Each backend's own transaction type implements it and adds what only
 * that backend has (SQLite's after-commit actions, PostgreSQL's retry and rollback-only).
 */
public interface WriteTx {

    Connection c();

    void ring(long mailboxId);
}
