/**
 * The PostgreSQL backend ({@code store.type = postgresql}): several stateless Jotmai nodes share one
 * PostgreSQL database. Entry point: {@link jotmai.store.postgres.PostgresStore#open}. Depends on
 * jotmai-store-api and jotmai-message only; no protocol module imports it (only jotmai-server wires it).
 *
 * <h2>Schema</h2>
 * Flyway migrations in {@code classpath:db/postgres} ({@code V1__schema.sql}, ...) are applied at open,
 * into the configured schema. Tables:
 * <ul>
 *   <li>{@code domains}, {@code aliases}, {@code accounts}: the directory (rarely written).</li>
 *   <li>{@code account_state}: per-account usage counters, mailbox id counter, last UIDVALIDITY.</li>
 *   <li>{@code mailboxes}, {@code subscriptions}, {@code messages}, {@code tombstones}: per-account mail
 *       data; flags are a {@code text[]} with {@code seen}/{@code deleted}/{@code recent} columns;
 *       {@code added_modseq} tells Added from FlagsChanged; tombstones keep expunged UIDs with their
 *       MODSEQ (RFC 7162 VANISHED (EARLIER)), the newest per mailbox, plus the vanished floor as the
 *       row with UID 0 ({@link jotmai.store.postgres.PgTombstones}). Mailbox rows carry STATUS
 *       counters (messages, unseen, deleted, size), changed by the same row update that allocates
 *       UIDs/MODSEQs, so STATUS and SELECT never scan messages.</li>
 *   <li>{@code blobs}, {@code blob_chunks}: message bytes (see below).</li>
 *   <li>{@code queue_messages}, {@code queue_recipients}: the shared outbound queue.</li>
 * </ul>
 *
 * <h2>Citus (distributed PostgreSQL) without code changes</h2>
 * Every per-account table ({@code account_state, mailboxes, subscriptions, messages, tombstones}) has
 * {@code account_id} as the leading primary-key column: distribute them by {@code account_id} and
 * co-locate them. The store API names mailboxes by id alone, so a mailbox id carries its account id in
 * its high bits ({@code id = account_id << 24 | ordinal}, see {@code MailboxIds}); every statement
 * a session issues therefore filters on {@code account_id} and routes to one shard. {@code domains},
 * {@code aliases} and {@code accounts} become reference tables (small, rarely written; logins look up
 * {@code accounts.address}). {@code blobs}/{@code blob_chunks} are distributed by blob id and
 * co-located with each other; {@code queue_*} by queue id. Writes that touch two accounts (a copy
 * between accounts, a delivery to several) become Citus two-phase-commit transactions.
 *
 * <h2>Message bytes and dedup</h2>
 * An append parses the message once ({@code jotmai.message.MessageParser}, stored as
 * {@code StructureCodec.encode}) and hashes it (SHA-256) in the same pass, before the transaction.
 * The hex hash is the blob id: copies, moves, multi-recipient deliveries and identical messages in
 * different accounts share one blob, counted by {@code blobs.refs}. Bytes live behind the small
 * {@link jotmai.store.postgres.BlobStore} interface; {@code PgBlobStore} keeps them in
 * {@code blob_chunks} rows of 256 KiB with EXTERNAL (uncompressed, out-of-line) storage, so a byte
 * range is served with {@code substring()} on the one or two chunks it spans and a 25 MB message is
 * never loaded into memory. A blob whose count drops to zero stays readable for
 * {@code blobGrace} (sessions may still show the expunged message), then a purge removes it
 * ({@code FOR UPDATE SKIP LOCKED}, batches, at most once a minute per node).
 *
 * <h2>UIDs, MODSEQs and locks</h2>
 * UIDs and MODSEQs come from one statement,
 * {@code UPDATE mailboxes SET uid_next = uid_next + n, highest_modseq = highest_modseq + 1 ... RETURNING},
 * whose row lock is held to commit: allocations of one mailbox are serialised across nodes and commit in
 * allocation order, so UIDs never repeat or decrease and a reader never sees UID n+1 before n. Row locks
 * are taken in one global order (account_state by account id, mailboxes by id, blob reference counts by
 * blob id, new blob rows first while nothing else is held); deadlocks and serialization failures that
 * slip through are retried a few times. Quota is enforced by the same {@code UPDATE account_state ...
 * RETURNING} that charges it, so concurrent deliveries cannot both slip under the limit.
 *
 * <h2>Change bus</h2>
 * {@code pg_notify('jotmai_changes_<schema>', '<node> <mailbox id>')} inside each write transaction
 * (delivered only on commit); the writing node rings its local subscribers after commit and ignores its
 * own notifications; a dedicated LISTEN connection per node rings the others. It reconnects with
 * backoff (0.1 s to 5 s) and then rings every subscribed mailbox once, because notifications sent while
 * it was away are lost; sessions pull {@code changesSince}, so lost or coalesced rings heal. Every
 * commit with a NOTIFY takes PostgreSQL's global notify-queue lock briefly: the fan-out limit to watch.
 *
 * <h2>POP3 maildrop lock</h2>
 * {@code pg_try_advisory_lock(hashtextextended('jotmai-maildrop/<schema>/<account>', 0))} on one
 * dedicated connection per node, plus an in-JVM set (advisory locks are re-entrant per session). If
 * that connection breaks, PostgreSQL releases its locks; the node takes them again on reconnect and logs
 * any it lost to another node.
 *
 * <h2>Failure behaviour</h2>
 * Writes commit before returning ({@code synchronous_commit = on} unless configured off); flag-only
 * transactions (STORE, \Recent claims, per-user \Seen) commit asynchronously ({@code Db.txRelaxed}: a crash
 * can lose the last fraction of a second of flag changes, never mail). Any failure to
 * reach the database becomes {@link jotmai.store.StoreException.Unavailable} (after waiting at most
 * {@code connectionTimeout} for a connection), which protocols answer with 451 4.3.0 / NO [UNAVAILABLE]
 * / -ERR [SYS/TEMP]; nothing crashes, and the pool, the LISTEN connection and the lock connection
 * reconnect by themselves when the database is back. A content stream that loses the database
 * mid-read fails with an IOException. {@code open} fails with Unavailable when the database is down.
 */
package jotmai.store.postgres;
