package jotmai.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How a backend runs work against its database: reads on a pooled connection, writes in a durable
 * transaction (SQLite: the group-commit writer; PostgreSQL: a READ COMMITTED transaction with retry).
 * Failures reach the caller as {@code StoreException}s, translated by the backend.
 *
 * @param <X> the backend's transaction type, so that backend hooks called from shared code get it back
 */
public interface JdbcAccess<X extends WriteTx> {

    @FunctionalInterface
    interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface WriteWork<X, T> {
        T run(X tx) throws SQLException;
    }

    <T> T read(ReadWork<T> work);

    /** Runs {@code work} in one transaction, committed (durably) before this returns. */
    <T> T write(WriteWork<X, T> work);
}
