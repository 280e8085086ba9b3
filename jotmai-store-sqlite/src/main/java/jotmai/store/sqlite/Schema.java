package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database schema and its migrations, versioned with SQLite's {@code user_version}.
 *
 * <p>Design notes:
 * <ul>
 *   <li>Message bytes live in {@code blob_chunk} rows of {@link BlobTable#CHUNK_SIZE} octets, so that an
 *       append commits bytes and metadata in one transaction and one fsync (group commit), and a byte
 *       range of a large message is read without loading the whole message.</li>
 *   <li>{@code message.added_modseq} tells {@code changesSince} whether a message is new in a window
 *       (Added) or only changed (FlagsChanged).</li>
 *   <li>{@code tombstone} keeps expunged UIDs with their MODSEQ, so that QRESYNC (RFC 7162 §3.2.5) can
 *       answer VANISHED (EARLIER); the newest per mailbox are kept, the row with UID 0 is the mailbox's
 *       vanished floor (see {@link Tombstones} and {@code ChangeRows}).</li>
 *   <li>{@code account.used_bytes}/{@code message_count} are maintained in the same transaction as the
 *       message rows, so quota checks need no scan.</li>
 * </ul>
 */
final class Schema {

    private Schema() {}

    private static final List<String> V1 = List.of(
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
            "CREATE TABLE domain(name TEXT PRIMARY KEY)",
            """
            CREATE TABLE account(id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE, domain TEXT NOT NULL,
              password_hash TEXT NOT NULL, quota_bytes INTEGER NOT NULL, created_ms INTEGER NOT NULL,
              used_bytes INTEGER NOT NULL DEFAULT 0, message_count INTEGER NOT NULL DEFAULT 0)""",
            "CREATE INDEX account_domain ON account(domain)",
            "CREATE TABLE alias(source TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY(source, target))",
            """
            CREATE TABLE mailbox(id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, name TEXT NOT NULL,
              special_use TEXT, uid_validity INTEGER NOT NULL, uid_next INTEGER NOT NULL,
              highest_modseq INTEGER NOT NULL, UNIQUE(account_id, name))""",
            """
            CREATE TABLE subscription(account_id INTEGER NOT NULL, name TEXT NOT NULL,
              PRIMARY KEY(account_id, name)) WITHOUT ROWID""",
            """
            CREATE TABLE message(mailbox_id INTEGER NOT NULL, uid INTEGER NOT NULL, modseq INTEGER NOT NULL,
              added_modseq INTEGER NOT NULL, flags TEXT NOT NULL, seen INTEGER NOT NULL,
              deleted INTEGER NOT NULL, recent INTEGER NOT NULL, internal_ms INTEGER NOT NULL,
              save_ms INTEGER NOT NULL, size INTEGER NOT NULL, blob_id INTEGER NOT NULL,
              PRIMARY KEY(mailbox_id, uid)) WITHOUT ROWID""",
            "CREATE INDEX message_modseq ON message(mailbox_id, modseq)",
            "CREATE INDEX message_blob ON message(blob_id)",
            """
            CREATE TABLE tombstone(mailbox_id INTEGER NOT NULL, uid INTEGER NOT NULL, modseq INTEGER NOT NULL,
              PRIMARY KEY(mailbox_id, uid)) WITHOUT ROWID""",
            """
            CREATE TABLE blob(id INTEGER PRIMARY KEY, size INTEGER NOT NULL, refs INTEGER NOT NULL,
              unreferenced_ms INTEGER, structure BLOB)""",
            "CREATE INDEX blob_unreferenced ON blob(unreferenced_ms) WHERE unreferenced_ms IS NOT NULL",
            """
            CREATE TABLE blob_chunk(blob_id INTEGER NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
              PRIMARY KEY(blob_id, seq))""",
            """
            CREATE TABLE queue_message(id TEXT PRIMARY KEY, envelope_from TEXT NOT NULL,
              blob_id INTEGER NOT NULL, ret TEXT NOT NULL, envid TEXT NOT NULL, smtputf8 INTEGER NOT NULL,
              eight_bit INTEGER NOT NULL, created_ms INTEGER NOT NULL)""",
            """
            CREATE TABLE queue_recipient(queue_id TEXT NOT NULL, position INTEGER NOT NULL,
              address TEXT NOT NULL, notify_on TEXT NOT NULL, orcpt TEXT NOT NULL,
              PRIMARY KEY(queue_id, position))""");

    /**
     * RFC 4314 access control lists (issue 7). The owner's account id leads the key like every
     * per-account table; the identifier index answers "what is shared with me" for LIST.
     */
    private static final List<String> V_MAILBOX_ACL = List.of(
            """
            CREATE TABLE mailbox_acl(account_id INTEGER NOT NULL, mailbox_id INTEGER NOT NULL,
              identifier TEXT NOT NULL, rights TEXT NOT NULL,
              PRIMARY KEY(account_id, mailbox_id, identifier)) WITHOUT ROWID""",
            "CREATE INDEX mailbox_acl_mailbox ON mailbox_acl(mailbox_id, identifier)",
            "CREATE INDEX mailbox_acl_identifier ON mailbox_acl(identifier)");

    /**
     * POP3 state that must survive restarts: the last login per account and protocol (RFC 2449 §6.5
     * LOGIN-DELAY), the first retrieval time per message (§6.7 EXPIRE; a column, not a flag, so IMAP
     * never sees it and it goes away with the message), and the optional APOP secret (RFC 1939 §7).
     */
    private static final List<String> V_POP3_STATE = List.of(
            """
            CREATE TABLE login_record(account_id INTEGER NOT NULL, protocol TEXT NOT NULL,
              at_ms INTEGER NOT NULL, PRIMARY KEY(account_id, protocol)) WITHOUT ROWID""",
            "ALTER TABLE message ADD COLUMN first_retrieved_ms INTEGER",
            "ALTER TABLE account ADD COLUMN apop_secret TEXT");

    /**
     * RFC 5464 METADATA (issue 7): account_id is the owner (the user for /private entries, the mailbox
     * owner for /shared, 0 for server /shared); the mailbox index serves DELETE of a mailbox.
     */
    private static final List<String> V_METADATA = List.of(
            """
            CREATE TABLE metadata(account_id INTEGER NOT NULL, mailbox_id INTEGER NOT NULL, name TEXT NOT NULL,
              value BLOB NOT NULL, PRIMARY KEY(account_id, mailbox_id, name)) WITHOUT ROWID""",
            "CREATE INDEX metadata_mailbox ON metadata(mailbox_id)");

    /**
     * The SEARCH text index (see {@link SearchIndex}): a contentless FTS5 table with the trigram
     * tokenizer (substring matching, SQLite 3.34+; rows deletable since 3.43) keyed by blob id, so that
     * copies share their text, and the queue of blobs still to index, filled with every existing
     * message blob here (the indexer catches up in the background).
     */
    private static final List<String> V_SEARCH_INDEX = List.of(
            """
            CREATE VIRTUAL TABLE search_text USING fts5(headers, body, content='', contentless_delete=1,
              tokenize='trigram case_sensitive 1')""",
            "CREATE TABLE search_pending(blob_id INTEGER PRIMARY KEY, skipped INTEGER NOT NULL DEFAULT 0)",
            "INSERT INTO search_pending(blob_id) SELECT id FROM blob WHERE length(structure) > 0");

    /**
     * Per-user \Seen on other accounts' mailboxes (issue 7, see {@link SeenMarks}): one row per message a
     * reader marked seen or cleared again. Key: a reader's marks in a mailbox by UID (SELECT, STATUS);
     * the MODSEQ index serves the reader's changesSince, the UID index the removal on EXPUNGE, the
     * reader index the deletion of an account.
     */
    private static final List<String> V_SEEN_MARK = List.of(
            """
            CREATE TABLE seen_mark(mailbox_id INTEGER NOT NULL, reader_id INTEGER NOT NULL, uid INTEGER NOT NULL,
              seen INTEGER NOT NULL, modseq INTEGER NOT NULL, PRIMARY KEY(mailbox_id, reader_id, uid)) WITHOUT ROWID""",
            "CREATE INDEX seen_mark_modseq ON seen_mark(mailbox_id, reader_id, modseq)",
            "CREATE INDEX seen_mark_uid ON seen_mark(mailbox_id, uid)",
            "CREATE INDEX seen_mark_reader ON seen_mark(reader_id)");

    /**
     * RFC 8474 §5.2 THREADID (see {@link Threads}): a thread id per message row (copies keep it) and the
     * per-account Message-ID → thread table that delivery looks up. Existing messages each get the id
     * of their blob (copies of one message share it), which starts a thread of their own: their
     * Message-IDs are not in thread_ref, so replies to mail stored before this migration start new threads.
     */
    private static final List<String> V_THREAD_ID = List.of(
            "ALTER TABLE message ADD COLUMN thread_id INTEGER",
            "UPDATE message SET thread_id = blob_id",
            "CREATE INDEX message_thread ON message(mailbox_id, thread_id)",
            """
            CREATE TABLE thread_ref(account_id INTEGER NOT NULL, message_id TEXT NOT NULL,
              thread_id INTEGER NOT NULL, PRIMARY KEY(account_id, message_id)) WITHOUT ROWID""");

    /**
     * \Recent claims (RFC 3501 §2.3.2; every SELECT and every IDLE wake-up with new mail) look up the
     * unclaimed messages of one mailbox: without this partial index that was a scan of all its messages
     * on the single writer thread (100,000 rows per SELECT of a big mailbox). PostgreSQL has had
     * {@code messages_recent} since V1.
     */
    private static final List<String> V_RECENT_INDEX = List.of(
            "CREATE INDEX message_recent ON message(mailbox_id, uid) WHERE recent = 1");

    /**
     * The last blob id ever issued (see {@link BlobTable#insert}): a plain rowid is one above the largest
     * present, so purging the newest blob would let its id name other bytes later, and in-memory caches
     * keyed by blob id ({@link BlobCache}) rely on an id never being reused.
     */
    private static final List<String> V_BLOB_SEQ = List.of(
            "CREATE TABLE blob_seq(last INTEGER NOT NULL)",
            "INSERT INTO blob_seq(last) SELECT coalesce(max(id), 0) FROM blob");

    /** RFC 9208 §5.2 MESSAGE: the per-account message-count limit next to quota_bytes; 0 = unlimited. */
    private static final List<String> V_MESSAGE_QUOTA = List.of(
            "ALTER TABLE account ADD COLUMN quota_messages INTEGER NOT NULL DEFAULT 0");

    /**
     * Issue 4: SELECT without reading every message's flags ({@link MessageRows#selectState}). [UNSEEN]
     * (RFC 3501 §6.3.1) is the first entry of message_unseen; the keywords for FLAGS (RFC 9051 §7.3.5)
     * are the distinct flag strings in message_keywords. Both hold only the messages they are about.
     */
    private static final List<String> V_SELECT_INDEXES = List.of(
            "CREATE INDEX message_unseen ON message(mailbox_id, uid) WHERE seen = 0",
            "CREATE INDEX message_keywords ON message(mailbox_id, flags) WHERE " + MessageRows.HAS_KEYWORD);

    /**
     * Issue 4: {@code changesSince} asks for a mailbox's tombstones above a MODSEQ (RFC 7162 §3.2.5
     * VANISHED, and the EXPUNGEs other sessions must see). Keyed by (mailbox, uid) only, that read scanned
     * every tombstone of the mailbox, and they grow with every expunge: under imaptest's load the carriers'
     * CPU per command rose by 70% within three minutes. PostgreSQL has had this index since V1.
     */
    private static final List<String> V_TOMBSTONE_MODSEQ = List.of(
            "CREATE INDEX tombstone_modseq ON tombstone(mailbox_id, modseq)");

    /** Migrations in order; index i brings user_version from i to i+1. */
    private static final List<List<String>> MIGRATIONS = List.of(V1, V_MAILBOX_ACL, V_POP3_STATE, V_METADATA,
            V_SEARCH_INDEX, V_SEEN_MARK, V_THREAD_ID, V_RECENT_INDEX, V_BLOB_SEQ, V_MESSAGE_QUOTA,
            V_SELECT_INDEXES, V_TOMBSTONE_MODSEQ);

    /** Applies missing migrations inside one transaction on the writer connection. */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            int version;
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version >= MIGRATIONS.size()) {
                return;
            }
            s.execute("BEGIN IMMEDIATE");
            try {
                for (int v = version; v < MIGRATIONS.size(); v++) {
                    for (String sql : MIGRATIONS.get(v)) {
                        s.execute(sql);
                    }
                }
                s.execute("PRAGMA user_version = " + MIGRATIONS.size());
                s.execute("COMMIT");
            } catch (SQLException e) {
                s.execute("ROLLBACK");
                throw e;
            }
        }
    }
}
