/**
 * The embedded default backend: {@link jotmai.store.sqlite.SqliteStore}.
 *
 * <p>Owns: the SQLite schema ({@code Schema}), the connections ({@code Database}: one writer, a few
 * readers), the single writer thread with group commit ({@code GroupCommitWriter}), message bytes as
 * chunked blobs with reference counts ({@code BlobTable}), the in-JVM change bus and the implementations
 * of AccountStore, MailStore and QueueStore.
 *
 * <p>Rules: every write goes through {@code GroupCommitWriter.write} (durable when it returns; the bus
 * rings after commit), except flag-only changes, which use {@code writeRelaxed} (visible when it
 * returns, on stable storage within 50 ms or at the next durable commit); reads go through {@code Database.read} (one snapshot, bounded connections, so
 * JNI calls pin at most that many virtual-thread carriers). Depends on jotmai-store-api and
 * jotmai-message only; no protocol module may import this package (only jotmai-server wires it).
 */
package jotmai.store.sqlite;
