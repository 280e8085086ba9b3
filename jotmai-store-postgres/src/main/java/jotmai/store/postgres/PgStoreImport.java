package jotmai.store.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.StoreImport;
import jotmai.store.support.StoredFlags;
import jotmai.store.support.MailboxNames;

/**
 * The migration target side (issue 8): mailboxes get the source's UIDVALIDITY, messages their source
 * UID. Bytes go through the same dedup and chunking as an append ({@link BlobRows}), and locks are
 * taken in the order of {@link MessageWrites}: account_state, mailbox row, blob references.
 */
final class PgStoreImport implements StoreImport {

    private final Db db;
    private final BlobStore blobs;

    PgStoreImport(Db db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    @Override
    public Mailbox adoptMailbox(long accountId, String name, Optional<SpecialUse> specialUse, long uidValidity,
                                long uidNext, long highestModSeq) {
        if (uidValidity < 1 || uidValidity > MailboxRows.MAX_UID || uidNext < 1 || uidNext > MailboxRows.MAX_UID + 1) {
            throw new StoreException.Invalid("UIDVALIDITY or UIDNEXT out of range for " + name);
        }
        String stored = MailboxNames.normalize(name);
        long id = db.tx(tx -> {
            AccountRows.lock(tx.c(), accountId);
            Optional<Mailbox> existing = MailboxRows.byName(tx.c(), accountId, stored);
            long mailboxId = existing.isPresent() ? existing.get().id()
                    : MailboxRows.insert(tx, accountId, stored, specialUse);
            Mailbox locked = MailboxRows.lock(tx.c(), mailboxId);
            if (locked.uidValidity() != uidValidity && hasMessagesOrTombstones(tx, mailboxId)) {
                throw new StoreException.Conflict("mailbox " + stored + " already has messages under UIDVALIDITY "
                        + locked.uidValidity() + ", not " + uidValidity);
            }
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE mailboxes SET uid_validity = ?, uid_next = greatest(uid_next, ?),
                      highest_modseq = greatest(highest_modseq, ?), special_use = coalesce(special_use, ?)
                    WHERE account_id = ? AND id = ?""")) {
                ps.setLong(1, uidValidity);
                ps.setLong(2, uidNext);
                ps.setLong(3, highestModSeq);
                ps.setString(4, specialUse.map(Enum::name).orElse(null));
                ps.setLong(5, accountId);
                ps.setLong(6, mailboxId);
                ps.executeUpdate();
            }
            // The source's tombstones are not copied: the vanished floor at its HIGHESTMODSEQ makes
            // changesSince below it say that expunges may be missing (a superset, never a missed one)
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO tombstones(account_id, mailbox_id, uid, modseq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, mailbox_id, uid)
                    DO UPDATE SET modseq = greatest(tombstones.modseq, excluded.modseq)""")) {
                ps.setLong(1, accountId);
                ps.setLong(2, mailboxId);
                ps.setLong(3, jotmai.store.support.ChangeRows.FLOOR_UID);
                ps.setLong(4, highestModSeq);
                ps.executeUpdate();
            }
            // A mailbox created later must still get a UIDVALIDITY above every adopted one
            // (RFC 9051 §2.3.1.1), as MailboxRows.insert derives it from last_uid_validity.
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE account_state SET last_uid_validity = greatest(last_uid_validity, ?) WHERE account_id = ?""")) {
                ps.setLong(1, uidValidity);
                ps.setLong(2, accountId);
                ps.executeUpdate();
            }
            return mailboxId;
        });
        return db.read(c -> MailboxRows.byId(c, id)).orElseThrow(() -> MailboxRows.notFound(id));
    }

    private static boolean hasMessagesOrTombstones(Tx tx, long mailboxId) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM messages WHERE account_id = ? AND mailbox_id = ?)
                    OR EXISTS (SELECT 1 FROM tombstones WHERE account_id = ? AND mailbox_id = ?)""")) {
            long account = MailboxIds.accountOf(mailboxId);
            ps.setLong(1, account);
            ps.setLong(2, mailboxId);
            ps.setLong(3, account);
            ps.setLong(4, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public MessageMeta importMessage(long mailboxId, long uid, MessageSource source, Set<String> flags,
                                     Instant internalDate, boolean recent) {
        if (uid < 1 || uid > MailboxRows.MAX_UID) {
            throw new StoreException.Invalid("UID out of range: " + uid);
        }
        Set<String> canonical = StoredFlags.canonical(flags);
        MessageStructures.Prepared prepared = MessageStructures.prepare(source);
        long size = prepared.size();
        long accountId = MailboxIds.accountOf(mailboxId);
        return db.tx(tx -> {
            BlobRows.ensure(tx, blobs, prepared, source);
            // No quota check: the source store accepted this message already.
            AccountRows.addUsage(tx.c(), accountId, size, 1);
            MailboxRows.lock(tx.c(), mailboxId);
            if (uidTaken(tx, mailboxId, uid)) {
                throw new StoreException.AlreadyExists("UID " + uid + " exists in mailbox " + mailboxId);
            }
            long modSeq = MailboxRows.allocate(tx.c(), mailboxId, 0, Counts.of(canonical, size)).modSeq();
            long threadId = Threads.assign(tx.c(), accountId, prepared.threadKeys());
            MessageMeta meta = MessageRows.insert(tx, mailboxId, uid, modSeq, canonical, internalDate, size,
                    prepared.blobId(), recent, threadId);
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE mailboxes SET uid_next = greatest(uid_next, ?) WHERE account_id = ? AND id = ?""")) {
                ps.setLong(1, uid + 1);
                ps.setLong(2, accountId);
                ps.setLong(3, mailboxId);
                ps.executeUpdate();
            }
            BlobRows.addRefs(tx, Map.of(prepared.blobId(), 1), prepared.structure());
            tx.ring(mailboxId);
            return meta;
        });
    }

    /** A live message or a tombstone: a UID once expunged is never reused (RFC 9051 §2.3.1.1). */
    private static boolean uidTaken(Tx tx, long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid = ?)
                    OR EXISTS (SELECT 1 FROM tombstones WHERE account_id = ? AND mailbox_id = ? AND uid = ?)""")) {
            long account = MailboxIds.accountOf(mailboxId);
            ps.setLong(1, account);
            ps.setLong(2, mailboxId);
            ps.setLong(3, uid);
            ps.setLong(4, account);
            ps.setLong(5, mailboxId);
            ps.setLong(6, uid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
