package jotmai.store.sqlite;

import jotmai.store.jdbc.JdbcAccess;

/** Shared store code's way into SQLite: reads on the reader pool, writes through group commit. */
record SqliteAccess(Database db, GroupCommitWriter writer) implements JdbcAccess<Tx> {

    @Override
    public <T> T read(ReadWork<T> work) {
        return db.read(work::run);
    }

    @Override
    public <T> T write(WriteWork<Tx, T> work) {
        return writer.write(work::run);
    }
}
