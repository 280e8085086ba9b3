package jotmai.store.postgres;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.message.ParsedMessage;
import jotmai.store.AppendResult;
import jotmai.store.BlobRef;
import jotmai.store.ChangeBus;
import jotmai.store.Changes;
import jotmai.store.CopyResult;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.FlagRows;
import jotmai.store.Flags;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MailboxStatus;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.QuotaUsage;
import jotmai.store.SeenMark;
import jotmai.store.SeenUpdate;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;
import jotmai.store.jdbc.Sql;
import jotmai.store.support.ChangeRows;
import jotmai.store.support.FlagRowsCache;
import jotmai.store.support.MailboxNames;
import jotmai.store.support.StoredStructures;

/**
 * {@link MailStore} on PostgreSQL: mailbox operations and reads here, message writes in
 * {@link MessageWrites}. Every query filters on the account id (given, or taken from the mailbox id).
 */
final class PgMailStore implements MailStore {

    private final Db db;
    private final BlobStore blobs;
    private final MessageWrites writes;
    private final MaildropLocks maildropLocks;
    private final Runnable afterRemoval;
    /** Flag rows of big mailboxes on this node, validated by HIGHESTMODSEQ before each use (issue 4). */
    private final FlagRowsCache flagRowsCache = new FlagRowsCache();

    /** {@code afterRemoval} runs after messages were removed (the blob purge). */
    PgMailStore(Db db, BlobStore blobs, MaildropLocks maildropLocks, Runnable afterRemoval) {
        this.db = db;
        this.blobs = blobs;
        this.writes = new MessageWrites(db, blobs);
        this.maildropLocks = maildropLocks;
        this.afterRemoval = afterRemoval;
    }

    // ---- mailboxes ----

    @Override
    public List<Mailbox> mailboxes(long accountId) {
        return db.read(c -> MailboxRows.ofAccount(c, accountId));
    }

    @Override
    public Optional<Mailbox> mailbox(long accountId, String name) {
        String n;
        try {
            n = MailboxNames.normalize(name);
        } catch (StoreException.Invalid e) {
            return Optional.empty();
        }
        return db.read(c -> MailboxRows.byName(c, accountId, n));
    }

    @Override
    public Optional<Mailbox> mailbox(long mailboxId) {
        return db.read(c -> MailboxRows.byId(c, mailboxId));
    }

    @Override
    public Mailbox createMailbox(long accountId, String name, Optional<SpecialUse> specialUse) {
        String n = MailboxNames.normalize(name);
        long id = db.tx(tx -> {
            long created = MailboxRows.insert(tx, accountId, n, specialUse);
            tx.ring(ChangeBus.mailboxListKey(accountId));
            return created;
        });
        return mailbox(id).orElseThrow(() -> MailboxRows.notFound(id));
    }

    @Override
    public void deleteMailbox(long accountId, String name) {
        String n = MailboxNames.normalize(name);
        if (MailboxNames.isInbox(n)) {
            throw new StoreException.Conflict("INBOX cannot be deleted");
        }
        db.tx(tx -> {
            AccountRows.lock(tx.c(), accountId);
            Mailbox m = MailboxRows.byName(tx.c(), accountId, n)
                    .orElseThrow(() -> new StoreException.NotFound("no mailbox " + n));
            MailboxRows.deleteWithMessages(tx, m);
            tx.ring(ChangeBus.mailboxListKey(accountId));
            return null;
        });
        afterRemoval.run();
    }

    /**
     * RFC 9051 §6.3.6. The mailbox keeps its id and UIDVALIDITY; children move with it; subscriptions
     * of renamed names follow them. Renaming INBOX creates the new mailbox and moves every INBOX
     * message into it (new UIDs; INBOX gets tombstones), leaving INBOX's children where they are.
     */
    @Override
    public void renameMailbox(long accountId, String from, String to) {
        String f = MailboxNames.normalize(from);
        String t = MailboxNames.normalize(to);
        MailboxNames.checkRename(f, t);
        db.tx(tx -> {
            AccountRows.lock(tx.c(), accountId);
            Mailbox source = MailboxRows.byName(tx.c(), accountId, f)
                    .orElseThrow(() -> new StoreException.NotFound("no mailbox " + f));
            if (MailboxRows.byName(tx.c(), accountId, t).isPresent()) {
                throw new StoreException.AlreadyExists("mailbox exists: " + t);
            }
            tx.ring(ChangeBus.mailboxListKey(accountId)); // RFC 5465 §5.4 MailboxName
            if (MailboxNames.isInbox(f)) {
                long id = MailboxRows.insert(tx, accountId, t, Optional.empty());
                Mailbox inbox = MailboxRows.lock(tx.c(), source.id());
                MessageWrites.copyInTx(tx, inbox, UidSet.ALL, MailboxRows.require(tx.c(), id), true);
                return null;
            }
            List<Mailbox> moving = new ArrayList<>();
            moving.add(source);
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT " + MailboxRows.COLUMNS
                    + " FROM mailboxes m WHERE m.account_id = ? AND m.name LIKE ? ESCAPE '\\' ORDER BY m.id")) {
                ps.setLong(1, accountId);
                ps.setString(2, MailboxNames.childrenPattern(f));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        moving.add(MailboxRows.map(rs));
                    }
                }
            }
            for (Mailbox m : moving) {
                String newName = t + m.name().substring(f.length());
                if (m != source && MailboxRows.byName(tx.c(), accountId, newName).isPresent()) {
                    throw new StoreException.AlreadyExists("mailbox exists: " + newName);
                }
            }
            for (Mailbox m : moving) {
                String newName = t + m.name().substring(f.length());
                try (PreparedStatement ps = tx.c().prepareStatement(
                        "UPDATE mailboxes SET name = ? WHERE account_id = ? AND id = ?")) {
                    ps.setString(1, newName);
                    ps.setLong(2, accountId);
                    ps.setLong(3, m.id());
                    ps.executeUpdate();
                }
                if (m.subscribed()) {
                    MailboxRows.subscribe(tx.c(), accountId, m.name(), false);
                    MailboxRows.subscribe(tx.c(), accountId, newName, true);
                }
                tx.ring(m.id());
            }
            return null;
        });
    }

    @Override
    public void setSubscribed(long accountId, String name, boolean subscribed) {
        String n = MailboxNames.normalize(name);
        db.tx(tx -> {
            MailboxRows.subscribe(tx.c(), accountId, n, subscribed);
            tx.ring(ChangeBus.mailboxListKey(accountId));
            return null;
        });
    }

    @Override
    public Set<String> subscriptions(long accountId) {
        return db.read(c -> {
            Set<String> out = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name FROM subscriptions WHERE account_id = ? ORDER BY name")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public MailboxStatus status(long mailboxId) {
        return db.read(c -> MailboxRows.status(c, mailboxId));
    }

    /** Name, counters and unclaimed \Recent count in one read transaction (issue 4: STATUS). */
    @Override
    public Optional<NamedStatus> statusByName(long accountId, String name, boolean withRecent) {
        String n;
        try {
            n = MailboxNames.normalize(name);
        } catch (StoreException.Invalid e) {
            return Optional.empty();
        }
        return db.read(c -> {
            Optional<Mailbox> m = MailboxRows.byName(c, accountId, n);
            if (m.isEmpty()) {
                return Optional.<NamedStatus>empty();
            }
            long recent = withRecent ? recentCount(c, m.get().id()) : 0;
            return Optional.of(new NamedStatus(m.get(), MailboxRows.status(c, m.get().id()), recent));
        });
    }

    @Override
    public QuotaUsage quota(long accountId) {
        return db.read(c -> AccountRows.usage(c, accountId));
    }

    // ---- messages ----

    @Override
    public AppendResult append(long mailboxId, MessageSource source, Set<String> flags, Instant internalDate) {
        return writes.deliver(source, List.of(new DeliveryTarget(mailboxId, flags)), internalDate).getFirst();
    }

    @Override
    public List<AppendResult> deliver(MessageSource source, List<DeliveryTarget> targets, Instant internalDate) {
        return writes.deliver(source, targets, internalDate);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId) {
        return messages(mailboxId, null);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId, UidSet uids) {
        return db.snapshot(c -> {
            MailboxRows.require(c, mailboxId);
            return MessageRows.select(c, mailboxId, uids, false);
        });
    }

    /**
     * One narrow read of the primary key range ({@link MessageRows#flagRows}); the mailbox is looked up
     * only when it has no messages (to tell an empty mailbox from an unknown one), so SELECT costs one
     * round trip.
     */
    @Override
    public FlagRows flagRows(long mailboxId) {
        if (flagRowsCache.holds(mailboxId)) {
            return cachedFlagRows(mailboxId);
        }
        FlagRows rows = flagRows(mailboxId, "", null);
        if (rows.size() >= FlagRowsCache.MIN_ROWS) {
            return cachedFlagRows(mailboxId); // big: read once more in a snapshot, from now on kept current
        }
        return rows;
    }

    /**
     * Issue 4: a big mailbox's flag rows from this node's {@link FlagRowsCache}, checked against the
     * mailbox's UIDVALIDITY and HIGHESTMODSEQ read in the same snapshot, and brought up to date from the
     * change log (tombstones included) when another session or another node changed the mailbox: every
     * change to a mailbox raises its HIGHESTMODSEQ in the same transaction, so a cache that matches it is
     * current, whichever node wrote. Costs a snapshot of a few round trips instead of 100,000 rows.
     */
    private FlagRows cachedFlagRows(long mailboxId) {
        return db.snapshot(c -> {
            Mailbox m = MailboxRows.require(c, mailboxId);
            return flagRowsCache.rows(m.id(), m.uidValidity(), m.highestModSeq(),
                    new FlagRowsCache.Source<java.sql.SQLException>() {
                        @Override
                        public FlagRows scan() throws java.sql.SQLException {
                            return MessageRows.flagRows(c, mailboxId, "", null);
                        }

                        @Override
                        public Changes changesSince(long modSeq) throws java.sql.SQLException {
                            return changesIn(c, m, modSeq);
                        }
                    });
        });
    }

    /**
     * \Seen and \Deleted are filtered on their boolean columns: UNSEEN and DELETED (the rare sides)
     * read the partial indexes messages_unseen and messages_deleted (V10), so "UID SEARCH UNSEEN" on
     * 100,000 mostly read messages reads only the unread ones. Keywords are filtered in SQL too
     * (case-insensitively, RFC 9051 §2.3.2), which saves the transfer but not the scan.
     */
    @Override
    public FlagRows flagRows(long mailboxId, String flag, boolean present) {
        if (flagRowsCache.holds(mailboxId)) {
            return cachedFlagRows(mailboxId).filter(flag, present); // in memory beats even the partial index
        }
        String not = present ? "" : "NOT ";
        if (flag.equalsIgnoreCase(Flags.SEEN)) {
            return flagRows(mailboxId, " AND " + not + "m.seen", null);
        }
        if (flag.equalsIgnoreCase(Flags.DELETED)) {
            return flagRows(mailboxId, " AND " + not + "m.deleted", null);
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(flag)) {
            // PostgreSQL's lower() and Java's case-insensitive comparison may differ beyond ASCII
            return MailStore.super.flagRows(mailboxId, flag, present);
        }
        return flagRows(mailboxId, " AND " + not + "EXISTS (SELECT 1 FROM unnest(m.flags) f WHERE lower(f) = ?)",
                flag.toLowerCase(Locale.ROOT));
    }

    private FlagRows flagRows(long mailboxId, String condition, String parameter) {
        return db.read(c -> {
            FlagRows rows = MessageRows.flagRows(c, mailboxId, condition, parameter);
            if (rows.size() == 0) {
                MailboxRows.require(c, mailboxId);
            }
            return rows;
        });
    }

    /** RFC 9051 §6.4.4 text keys from message_texts ({@link SearchTexts}, pg_trgm). */
    @Override
    public Optional<TextMatches> searchText(long mailboxId, TextField field, String needle) {
        return db.snapshot(c -> SearchTexts.search(c, mailboxId, field, needle));
    }

    @Override
    public ParsedMessage structure(BlobRef blob) {
        BlobRows.Info info = db.read(c -> BlobRows.require(c, blob));
        return StoredStructures.decode(info.structure(), () -> blobs.read(blob.id(), 0, info.size()));
    }

    @Override
    public InputStream openContent(BlobRef blob, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new StoreException.Invalid("negative offset or length");
        }
        long size = db.read(c -> BlobRows.require(c, blob)).size();
        long start = Math.min(offset, size);
        long end = length > size - start ? size : start + length;
        return blobs.read(blob.id(), start, end);
    }

    /** One query for the whole batch ({@link BlobStore#readWhole}), not two per message. */
    @Override
    public Map<BlobRef, byte[]> readContents(List<BlobRef> refs) {
        List<String> ids = new ArrayList<>();
        for (BlobRef ref : refs) {
            if (BlobRows.wellFormed(ref.id())) {
                ids.add(ref.id());
            }
        }
        Map<String, byte[]> bytes = blobs.readWhole(ids);
        Map<BlobRef, byte[]> contents = new HashMap<>();
        for (BlobRef ref : refs) {
            byte[] b = bytes.get(ref.id());
            if (b != null) {
                contents.put(ref, b);
            }
        }
        return contents;
    }

    @Override
    public void markRetrieved(long mailboxId, UidSet uids, Instant at) {
        if (uids.isEmpty()) {
            return;
        }
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE messages SET first_retrieved = ?
                    WHERE account_id = ? AND mailbox_id = ? AND uid BETWEEN ? AND ? AND first_retrieved IS NULL""")) {
                for (UidSet.Range r : uids.ranges()) {
                    ps.setTimestamp(1, Timestamp.from(at.truncatedTo(ChronoUnit.MILLIS)));
                    ps.setLong(2, MailboxIds.accountOf(mailboxId));
                    ps.setLong(3, mailboxId);
                    ps.setLong(4, r.first());
                    ps.setLong(5, r.last());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public Map<Long, Instant> retrievedTimes(long mailboxId) {
        return db.read(c -> {
            Map<Long, Instant> times = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT uid, first_retrieved FROM messages
                    WHERE account_id = ? AND mailbox_id = ? AND first_retrieved IS NOT NULL""")) {
                ps.setLong(1, MailboxIds.accountOf(mailboxId));
                ps.setLong(2, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        times.put(rs.getLong(1), rs.getTimestamp(2).toInstant());
                    }
                }
            }
            return times;
        });
    }

    @Override
    public FlagResult updateFlags(long mailboxId, UidSet uids, FlagOperation operation, Set<String> flags,
                                  OptionalLong unchangedSince) {
        return writes.updateFlags(mailboxId, uids, operation, flags, unchangedSince);
    }

    @Override
    public CopyResult copy(long sourceMailboxId, UidSet uids, long targetMailboxId) {
        return writes.copy(sourceMailboxId, uids, targetMailboxId, false);
    }

    @Override
    public CopyResult move(long sourceMailboxId, UidSet uids, long targetMailboxId) {
        return writes.copy(sourceMailboxId, uids, targetMailboxId, true);
    }

    @Override
    public List<Long> expunge(long mailboxId, Optional<UidSet> uids) {
        List<Long> expunged = writes.expunge(mailboxId, uids);
        if (!expunged.isEmpty()) {
            afterRemoval.run();
        }
        return expunged;
    }

    /**
     * Messages with MODSEQ above {@code modSeq} become Added (if added after it) or FlagsChanged with
     * their current state; tombstones above it become Expunged. One snapshot, in MODSEQ order.
     */
    @Override
    public Changes changesSince(long mailboxId, long modSeq) {
        // Sessions ask after every command and usually nothing changed: one autocommit query then.
        Mailbox current = db.read(c -> MailboxRows.require(c, mailboxId));
        if (current.highestModSeq() <= modSeq) {
            return new Changes(current.highestModSeq(), List.of());
        }
        return db.snapshot(c -> changesIn(c, MailboxRows.require(c, mailboxId), modSeq));
    }

    /** The changes of mailbox {@code m} after {@code modSeq}, read on {@code c} (a snapshot). */
    private static Changes changesIn(java.sql.Connection c, Mailbox m, long modSeq) throws java.sql.SQLException {
        try (PreparedStatement messages = c.prepareStatement("SELECT " + MessageRows.COLUMNS
                + ", m.added_modseq FROM messages m WHERE m.account_id = ? AND m.mailbox_id = ? AND m.modseq > ?");
             PreparedStatement tombstones = c.prepareStatement(
                     "SELECT uid, modseq FROM tombstones WHERE account_id = ? AND mailbox_id = ? AND modseq > ?")) {
            for (PreparedStatement ps : List.of(messages, tombstones)) {
                ps.setLong(1, m.accountId());
                ps.setLong(2, m.id());
                ps.setLong(3, modSeq);
            }
            return ChangeRows.read(messages, 9, MessageRows::map, tombstones, modSeq, m.highestModSeq(), m.uidNext(),
                    () -> PgTombstones.existingUids(c, m.id()));
        }
    }

    // ---- bounded expunge tombstones, see PgTombstones ----

    @Override
    public List<Long> mailboxesOverTombstoneCap(int keep, int limit) {
        return db.read(c -> PgTombstones.overCap(c, keep, limit));
    }

    @Override
    public int pruneTombstones(long mailboxId, int keep, int maxRows) {
        return db.tx(tx -> PgTombstones.prune(tx.c(), mailboxId, keep, maxRows));
    }

    // ---- per-user \Seen (issue 7), see PgSeenMarks ----

    @Override
    public List<SeenMark> seenMarks(long mailboxId, long readerId, UidSet uids) {
        return db.read(c -> PgSeenMarks.marks(c, mailboxId, readerId, uids));
    }

    @Override
    public List<SeenMark> seenChangesSince(long mailboxId, long readerId, long modSeq) {
        return db.read(c -> PgSeenMarks.changesSince(c, mailboxId, readerId, modSeq));
    }

    @Override
    public long seenCount(long mailboxId, long readerId) {
        return db.read(c -> PgSeenMarks.seenCount(c, mailboxId, readerId));
    }

    @Override
    public SeenUpdate setSeen(long mailboxId, long readerId, UidSet uids, boolean seen, OptionalLong unchangedSince) {
        // flag-only, like updateFlags: acknowledged before the WAL flush (Db.txRelaxed)
        return db.txRelaxed(tx -> PgSeenMarks.set(tx, mailboxId, readerId, uids, seen, unchangedSince));
    }

    @Override
    public UidSet claimRecent(long mailboxId) {
        return writes.claimRecent(mailboxId);
    }

    @Override
    public Map<Long, Long> threadIds(long mailboxId, UidSet uids) {
        return db.read(c -> {
            MailboxRows.require(c, mailboxId);
            return Threads.of(c, mailboxId, uids);
        });
    }

    @Override
    public UidSet threadMembers(long mailboxId, long threadId) {
        return db.read(c -> {
            MailboxRows.require(c, mailboxId);
            return Threads.members(c, mailboxId, threadId);
        });
    }

    /** Reads the unclaimed \Recent UIDs; a plain read, so EXAMINE and STATUS never claim them. */
    @Override
    public UidSet recent(long mailboxId) {
        return db.read(c -> {
            MailboxRows.require(c, mailboxId);
            return recentUids(c, mailboxId);
        });
    }

    /** STATUS only needs how many messages are \Recent, not which (RFC 3501 §6.3.10 RECENT). */
    private static long recentCount(Connection c, long mailboxId) throws SQLException {
        return Sql.first(c, "SELECT count(*) FROM messages WHERE account_id = ? AND mailbox_id = ? AND recent",
                ps -> {
                    ps.setLong(1, MailboxIds.accountOf(mailboxId));
                    ps.setLong(2, mailboxId);
                }, rs -> rs.getLong(1)).orElse(0L);
    }

    private static UidSet recentUids(Connection c, long mailboxId) throws SQLException {
        return UidSet.of(Sql.list(c,
                "SELECT uid FROM messages WHERE account_id = ? AND mailbox_id = ? AND recent ORDER BY uid",
                ps -> {
                    ps.setLong(1, MailboxIds.accountOf(mailboxId));
                    ps.setLong(2, mailboxId);
                }, rs -> rs.getLong(1)));
    }

    @Override
    public Optional<MaildropLock> lockMaildrop(long accountId) {
        return maildropLocks.lock(accountId);
    }
}
