package jotmai.store.sqlite;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jotmai.message.ParsedMessage;
import jotmai.store.AppendResult;
import jotmai.store.BlobRef;
import jotmai.store.ChangeBus;
import jotmai.store.Changes;
import jotmai.store.CopyResult;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.FlagRows;
import jotmai.store.FlagSetList;
import jotmai.store.Flags;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MailboxStatus;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.QuotaUsage;
import jotmai.store.SeenMark;
import jotmai.store.SelectState;
import jotmai.store.SeenUpdate;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;
import jotmai.store.jdbc.Sql;
import jotmai.store.support.ChangeRows;
import jotmai.store.support.FlagRowsCache;
import jotmai.store.support.SelectStateCache;
import jotmai.store.support.MailboxNames;
import jotmai.store.support.StoredStructures;

/**
 * {@link MailStore} on SQLite: mailbox operations and reads here, message writes in
 * {@link MessageWrites}. Reads use the reader pool (one snapshot per call); writes go through group
 * commit and ring the change bus after commit.
 */
final class SqliteMailStore implements MailStore {

    private final Database db;
    private final GroupCommitWriter writer;
    private final MessageWrites writes;
    private final long blobGraceMs;
    private final SearchIndexer indexer;
    /** POP3 maildrop locks (RFC 1939 §8); in-JVM because the embedded store has one server process. */
    private final Set<Long> maildropLocks = ConcurrentHashMap.newKeySet();
    /** UIDs and flags of big mailboxes, kept current from the change log (SELECT, flag-only SEARCH). */
    private final FlagRowsCache flagRowsCache = new FlagRowsCache();
    private final SelectStateCache selectStateCache = new SelectStateCache();
    /** Decoded structures and small messages' bytes by blob id (issue 4: FETCH without a read per message). */
    private final BlobCache blobCache;
    /** HIGHESTMODSEQ per mailbox while no commit touched it (changesSince without a read). */
    private final MailboxVersions versions;

    SqliteMailStore(Database db, GroupCommitWriter writer, long blobGraceMs, SearchIndexer indexer,
                    MailboxVersions versions, BlobCache blobCache) {
        this.db = db;
        this.blobCache = blobCache;
        this.versions = versions;
        this.indexer = indexer;
        this.writer = writer;
        this.blobGraceMs = blobGraceMs;
        this.writes = new MessageWrites(writer, blobGraceMs);
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
        long id = writer.write(tx -> {
            Quotas.usage(tx.c(), accountId); // NotFound for an unknown account
            long created = MailboxRows.insert(tx, accountId, n, specialUse);
            tx.ring(ChangeBus.mailboxListKey(accountId));
            return created;
        });
        return mailbox(id).orElseThrow();
    }

    @Override
    public void deleteMailbox(long accountId, String name) {
        String n = MailboxNames.normalize(name);
        if (MailboxNames.isInbox(n)) {
            throw new StoreException.Conflict("INBOX cannot be deleted");
        }
        writer.write(tx -> {
            Mailbox m = MailboxRows.byName(tx.c(), accountId, n)
                    .orElseThrow(() -> new StoreException.NotFound("no mailbox " + n));
            MailboxRows.deleteWithMessages(tx, m);
            BlobTable.purge(tx, tx.now() - blobGraceMs);
            tx.ring(ChangeBus.mailboxListKey(accountId));
            return null;
        });
    }

    /**
     * RFC 9051 §6.3.6. The mailbox keeps its id and UIDVALIDITY (its UIDs stay valid); children move
     * with it; subscriptions of the renamed names follow them. Renaming INBOX creates the new mailbox
     * and moves every INBOX message into it (new UIDs; INBOX gets tombstones), leaving INBOX's
     * children where they are.
     */
    @Override
    public void renameMailbox(long accountId, String from, String to) {
        String f = MailboxNames.normalize(from);
        String t = MailboxNames.normalize(to);
        MailboxNames.checkRename(f, t);
        writer.write(tx -> {
            Mailbox source = MailboxRows.byName(tx.c(), accountId, f)
                    .orElseThrow(() -> new StoreException.NotFound("no mailbox " + f));
            if (MailboxRows.byName(tx.c(), accountId, t).isPresent()) {
                throw new StoreException.AlreadyExists("mailbox exists: " + t);
            }
            tx.ring(ChangeBus.mailboxListKey(accountId)); // RFC 5465 §5.4 MailboxName
            if (MailboxNames.isInbox(f)) {
                long id = MailboxRows.insert(tx, accountId, t, Optional.empty());
                MessageWrites.copyInTx(tx, source, UidSet.ALL, MailboxRows.require(tx.c(), id), true);
                return null;
            }
            List<Mailbox> moving = new ArrayList<>();
            moving.add(source);
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT " + MailboxRows.COLUMNS
                    + " FROM mailbox m WHERE m.account_id = ? AND m.name LIKE ? ESCAPE '\\'")) {
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
                try (PreparedStatement ps = tx.c().prepareStatement("UPDATE mailbox SET name = ? WHERE id = ?")) {
                    ps.setString(1, newName);
                    ps.setLong(2, m.id());
                    ps.executeUpdate();
                }
                if (m.subscribed()) {
                    MailboxRows.subscribe(tx, accountId, m.name(), false);
                    MailboxRows.subscribe(tx, accountId, newName, true);
                }
                tx.ring(m.id());
            }
            return null;
        });
    }

    @Override
    public void setSubscribed(long accountId, String name, boolean subscribed) {
        String n = MailboxNames.normalize(name);
        writer.write(tx -> {
            MailboxRows.subscribe(tx, accountId, n, subscribed);
            tx.ring(ChangeBus.mailboxListKey(accountId));
            return null;
        });
    }

    @Override
    public Set<String> subscriptions(long accountId) {
        return db.read(c -> {
            Set<String> out = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name FROM subscription WHERE account_id = ? ORDER BY name")) {
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
        return db.read(c -> status(c, MailboxRows.require(c, mailboxId)));
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
            return Optional.of(new NamedStatus(m.get(), status(c, m.get()), recent));
        });
    }

    private MailboxStatus status(Connection c, Mailbox m) throws SQLException {
        long mailboxId = m.id();
        if (flagRowsCache.holds(mailboxId)) {
            // issue 4: a big mailbox's counters from its cached flag rows (one test per distinct flag
            // set), as Dovecot answers STATUS from its index header, instead of a count over every row
            FlagRows rows = cachedFlagRows(c, m);
            FlagSetList sets = rows.flagSets();
            long size = flagRowsCache.size(mailboxId, rows, () -> sumOfSizes(c, mailboxId));
            return new MailboxStatus(rows.size(), sets.count(Flags.SEEN, false), sets.count(Flags.DELETED, true),
                    size, m.uidNext(), m.uidValidity(), m.highestModSeq());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*), coalesce(sum(1 - seen), 0), coalesce(sum(deleted), 0), coalesce(sum(size), 0)
                FROM message WHERE mailbox_id = ?""")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) >= FlagRowsCache.MIN_ROWS) {
                    cachedFlagRows(c, m); // big: the next STATUS or SELECT answers from the cache
                }
                return new MailboxStatus(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), m.uidNext(),
                        m.uidValidity(), m.highestModSeq());
            }
        }
    }

    private static long sumOfSizes(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(sum(size), 0) FROM message WHERE mailbox_id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public QuotaUsage quota(long accountId) {
        return db.read(c -> Quotas.usage(c, accountId));
    }

    // ---- messages ----

    @Override
    public AppendResult append(long mailboxId, MessageSource source, Set<String> flags, Instant internalDate) {
        return deliver(source, List.of(new DeliveryTarget(mailboxId, flags)), internalDate).getFirst();
    }

    /** The mailbox is found by name in the writer's transaction (issue 4: no read transaction first). */
    @Override
    public AppendResult appendByName(long accountId, String name, MessageSource source, Set<String> flags,
                                     Instant internalDate) {
        String n;
        try {
            n = MailboxNames.normalize(name);
        } catch (StoreException.Invalid e) {
            throw new StoreException.NotFound("no such mailbox"); // as mailbox(accountId, name) finds none
        }
        return stored(source, writes.appendByName(accountId, n, source, flags, internalDate)).getFirst();
    }

    @Override
    public List<AppendResult> deliver(MessageSource source, List<DeliveryTarget> targets, Instant internalDate) {
        return stored(source, writes.deliver(source, targets, internalDate));
    }

    /** After a delivery's commit: wakes the indexer and caches the message (BlobCache). */
    private List<AppendResult> stored(MessageSource source, MessageWrites.Delivered d) {
        indexer.wake(); // the text is indexed after the commit (SearchIndexer)
        if (!d.results().isEmpty()) {
            BlobRef blob = BlobTable.ref(d.blobId());
            blobCache.putStored(d.blobId(), source, d.structure(), () -> openContent(blob, 0, source.size()));
        }
        return d.results();
    }

    @Override
    public List<MessageMeta> messages(long mailboxId) {
        return messages(mailboxId, null);
    }

    @Override
    public List<MessageMeta> messages(long mailboxId, UidSet uids) {
        return db.read(c -> {
            MailboxRows.require(c, mailboxId);
            List<MessageMeta> out = new ArrayList<>();
            for (MessageRows.Row r : MessageRows.select(c, mailboxId, uids, false)) {
                out.add(r.meta());
            }
            return out;
        });
    }

    @Override
    public Map<Long, Long> threadIds(long mailboxId, UidSet uids) {
        return db.read(c -> {
            MailboxRows.require(c, mailboxId);
            Map<Long, Long> out = new java.util.LinkedHashMap<>();
            for (MessageRows.Row r : MessageRows.select(c, mailboxId, uids, false)) {
                out.put(r.meta().uid(), r.threadId());
            }
            return out;
        });
    }

    @Override
    public UidSet threadMembers(long mailboxId, long threadId) {
        return db.read(c -> {
            MailboxRows.require(c, mailboxId);
            List<Long> uids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT uid FROM message WHERE mailbox_id = ? AND thread_id = ? ORDER BY uid")) {
                ps.setLong(1, mailboxId);
                ps.setLong(2, threadId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        uids.add(rs.getLong(1));
                    }
                }
            }
            return UidSet.of(uids);
        });
    }

    /**
     * One narrow scan of the primary key range ({@link MessageRows#flagRows}), or for a big mailbox the
     * cached rows brought up to date with the changes since, read in the same snapshot
     * ({@link FlagRowsCache}).
     */
    @Override
    public FlagRows flagRows(long mailboxId) {
        return db.read(c -> cachedFlagRows(c, MailboxRows.require(c, mailboxId)));
    }

    private FlagRows cachedFlagRows(Connection c, Mailbox m) throws SQLException {
        return flagRowsCache.rows(m.id(), m.uidValidity(), m.highestModSeq(), new FlagRowsCache.Source<SQLException>() {
            @Override
            public FlagRows scan() throws SQLException {
                return MessageRows.flagRows(c, m.id(), "");
            }

            @Override
            public Changes changesSince(long modSeq) throws SQLException {
                return changesIn(c, m, modSeq);
            }
        });
    }

    /**
     * Issue 4: a mailbox whose flag rows are cached answers from them; otherwise only UIDs and two
     * aggregates are read ({@link MessageRows#selectState}), remembered while the mailbox is unchanged,
     * and the flag rows wait for the first command that needs them.
     */
    @Override
    public SelectState selectState(long mailboxId) {
        return db.read(c -> {
            Mailbox m = MailboxRows.require(c, mailboxId);
            if (flagRowsCache.holds(mailboxId)) {
                selectStateCache.forget(mailboxId);
                return SelectState.of(cachedFlagRows(c, m));
            }
            return selectStateCache.state(m.id(), m.uidValidity(), m.highestModSeq(),
                    () -> MessageRows.selectState(c, m.id()));
        });
    }

    /**
     * \Seen and \Deleted are filtered in SQL on their columns (other flags by the default); a big
     * mailbox's cached rows are filtered in memory instead, which beats reading even a fifth of them.
     */
    @Override
    public FlagRows flagRows(long mailboxId, String flag, boolean present) {
        String column = flag.equalsIgnoreCase(jotmai.store.Flags.SEEN) ? "seen"
                : flag.equalsIgnoreCase(jotmai.store.Flags.DELETED) ? "deleted" : null;
        return db.read(c -> {
            Mailbox m = MailboxRows.require(c, mailboxId);
            if (column == null || flagRowsCache.holds(mailboxId)) {
                return cachedFlagRows(c, m).filter(flag, present);
            }
            return MessageRows.flagRows(c, mailboxId, " AND " + column + " = " + (present ? 1 : 0));
        });
    }

    /** RFC 9051 §6.4.4 text keys from the FTS5 trigram index ({@link SearchIndex}). */
    @Override
    public Optional<TextMatches> searchText(long mailboxId, TextField field, String needle) {
        return db.read(c -> SearchIndex.search(c, mailboxId, field, needle));
    }

    /** Decoded once per blob while it stays in {@link BlobCache}; a small message's bytes come along. */
    @Override
    public ParsedMessage structure(BlobRef blob) {
        long id = BlobTable.id(blob);
        ParsedMessage cached = blobCache.structure(id);
        if (cached != null) {
            return cached;
        }
        BlobTable.BlobInfo info = db.read(c -> {
            Optional<BlobTable.BlobInfo> found = BlobTable.info(c, id);
            if (found.isPresent() && found.get().size() <= BlobCache.MAX_CACHED_MESSAGE
                    && blobCache.content(id) == null) {
                // the same transaction: a FETCH of the structure is mostly followed by one of a section
                BlobTable.content(c, id).ifPresent(bytes -> blobCache.putContent(id, bytes));
            }
            return found;
        }).orElseThrow(() -> new StoreException.NotFound("no such message content: " + blob.id()));
        ParsedMessage decoded = StoredStructures.decode(info.structure(), () -> openContent(blob, 0, info.size()));
        blobCache.putStructure(id, decoded, info.structure().length);
        return decoded;
    }

    @Override
    public InputStream openContent(BlobRef blob, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new StoreException.Invalid("negative offset or length");
        }
        long id = BlobTable.id(blob);
        byte[] cached = blobCache.content(id);
        if (cached != null) {
            return slice(cached, offset, length);
        }
        byte[] head = blobCache.head(id);
        if (head != null && offset < head.length && length <= head.length - offset) {
            return slice(head, offset, length);
        }
        // One read transaction for the size and the first window: a small message costs one round.
        return db.read(c -> {
            long size = BlobTable.size(c, id)
                    .orElseThrow(() -> new StoreException.NotFound("no such message content: " + blob.id()));
            if (size <= BlobCache.MAX_CACHED_MESSAGE) {
                Optional<byte[]> all = BlobTable.content(c, id);
                if (all.isPresent()) {
                    blobCache.putContent(id, all.get());
                    return slice(all.get(), offset, length);
                }
            } else if (offset < BlobTable.CHUNK_SIZE && length <= BlobTable.CHUNK_SIZE - offset) {
                byte[] first = BlobInputStream.readWindow(c, id, 0, 0); // the header of a large message
                if (first != null) {
                    blobCache.putHead(id, first);
                    return slice(first, offset, length);
                }
            }
            long start = Math.min(offset, size);
            long end = length > size - start ? size : start + length;
            return BlobInputStream.openWithFirstWindow(db, c, id, start, end);
        });
    }

    private static InputStream slice(byte[] content, long offset, long length) {
        int start = (int) Math.min(offset, content.length);
        int n = (int) Math.min(length, content.length - start);
        return new java.io.ByteArrayInputStream(content, start, n);
    }

    /**
     * One statement in one read transaction on one reader connection (POP3 reads runs of small
     * messages). Not through {@link BlobCache}: a POP3 download reads each message once, and a whole
     * maildrop passing through the cache would push out what IMAP sessions fetch again and again.
     */
    @Override
    public Map<BlobRef, byte[]> readContents(List<BlobRef> blobs) {
        Map<BlobRef, Long> ids = new HashMap<>();
        for (BlobRef blob : blobs) {
            try {
                ids.put(blob, BlobTable.id(blob));
            } catch (StoreException.NotFound e) {
                // never issued by this backend: left out
            }
        }
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Long, byte[]> read = db.read(c -> BlobTable.contents(c, new LinkedHashSet<>(ids.values())));
        Map<BlobRef, byte[]> contents = new HashMap<>();
        ids.forEach((blob, id) -> {
            byte[] bytes = read.get(id);
            if (bytes != null) {
                contents.put(blob, bytes);
            }
        });
        return contents;
    }

    @Override
    public void markRetrieved(long mailboxId, UidSet uids, Instant at) {
        if (uids.isEmpty()) {
            return;
        }
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE message SET first_retrieved_ms = ?
                    WHERE mailbox_id = ? AND uid BETWEEN ? AND ? AND first_retrieved_ms IS NULL""")) {
                for (UidSet.Range r : uids.ranges()) {
                    ps.setLong(1, at.toEpochMilli());
                    ps.setLong(2, mailboxId);
                    ps.setLong(3, r.first());
                    ps.setLong(4, r.last());
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
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT uid, first_retrieved_ms FROM message WHERE mailbox_id = ? AND first_retrieved_ms IS NOT NULL")) {
                ps.setLong(1, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        times.put(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)));
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
        boolean anyDeleted = db.read(c -> {
            MailboxRows.require(c, mailboxId);
            return MessageRows.anyDeleted(c, mailboxId, uids.orElse(null));
        });
        return writes.expunge(mailboxId, uids, anyDeleted);
    }

    /** Without the read transaction that would only confirm what the caller saw (issue 4). */
    @Override
    public List<Long> expungeKnownDeleted(long mailboxId, Optional<UidSet> uids) {
        return writes.expunge(mailboxId, uids, true);
    }

    /**
     * Messages with MODSEQ above {@code modSeq} become Added (if added after it) or FlagsChanged, with
     * their current state; tombstones above it become Expunged. All in one snapshot, in MODSEQ order.
     */
    @Override
    public Changes changesSince(long mailboxId, long modSeq) {
        long known = versions.highestModSeq(mailboxId);
        if (known >= 0 && modSeq >= known) {
            return new Changes(known, List.of()); // no commit touched the mailbox since it was at `known`
        }
        long generation = versions.generation(mailboxId);
        Changes changes = db.read(c -> changesIn(c, MailboxRows.require(c, mailboxId), modSeq));
        versions.remember(mailboxId, generation, changes.highestModSeq());
        return changes;
    }

    private static Changes changesIn(Connection c, Mailbox m, long modSeq) throws SQLException {
        try (PreparedStatement messages = c.prepareStatement("SELECT " + MessageRows.COLUMNS
                + ", added_modseq FROM message WHERE mailbox_id = ? AND modseq > ?");
             PreparedStatement tombstones = c.prepareStatement(
                     "SELECT uid, modseq FROM tombstone WHERE mailbox_id = ? AND modseq > ?")) {
            for (PreparedStatement ps : List.of(messages, tombstones)) {
                ps.setLong(1, m.id());
                ps.setLong(2, modSeq);
            }
            return ChangeRows.read(messages, 9, MessageRows::map, tombstones, modSeq, m.highestModSeq(), m.uidNext(),
                    () -> Tombstones.existingUids(c, m.id()));
        }
    }

    // ---- bounded expunge tombstones, see Tombstones ----

    @Override
    public List<Long> mailboxesOverTombstoneCap(int keep, int limit) {
        return db.read(c -> Tombstones.overCap(c, keep, limit));
    }

    @Override
    public int pruneTombstones(long mailboxId, int keep, int maxRows) {
        return writer.write(tx -> Tombstones.prune(tx, mailboxId, keep, maxRows));
    }

    // ---- per-user \Seen (issue 7), see SeenMarks ----

    @Override
    public List<SeenMark> seenMarks(long mailboxId, long readerId, UidSet uids) {
        return db.read(c -> SeenMarks.marks(c, mailboxId, readerId, uids));
    }

    @Override
    public List<SeenMark> seenChangesSince(long mailboxId, long readerId, long modSeq) {
        return db.read(c -> SeenMarks.changesSince(c, mailboxId, readerId, modSeq));
    }

    @Override
    public long seenCount(long mailboxId, long readerId) {
        return db.read(c -> SeenMarks.seenCount(c, mailboxId, readerId));
    }

    @Override
    public SeenUpdate setSeen(long mailboxId, long readerId, UidSet uids, boolean seen, OptionalLong unchangedSince) {
        // flag-only, like updateFlags: acknowledged before the fsync (GroupCommitWriter, relaxed durability)
        return writer.writeRelaxed(tx -> SeenMarks.set(tx, mailboxId, readerId, uids, seen, unchangedSince));
    }

    @Override
    public UidSet claimRecent(long mailboxId) {
        // issue 4: SELECT of a mailbox with nothing recent (the usual case) needs no trip through the single
        // writer; a message delivered after this read is the same as one delivered after the claim (the
        // next claim takes it), so skipping the write loses nothing
        if (recent(mailboxId).isEmpty()) {
            return UidSet.EMPTY;
        }
        return writes.claimRecent(mailboxId);
    }

    /** Straight to the writer: after an add the read of {@link #claimRecent} mostly finds something. */
    @Override
    public UidSet claimRecentAfterAdd(long mailboxId) {
        return writes.claimRecent(mailboxId);
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
        return Sql.first(c, "SELECT count(*) FROM message WHERE mailbox_id = ? AND recent = 1",
                ps -> ps.setLong(1, mailboxId), rs -> rs.getLong(1)).orElse(0L);
    }

    /** The unclaimed \Recent UIDs, read without claiming them (also the claim's read: MessageWrites). */
    static UidSet recentUids(Connection c, long mailboxId) throws SQLException {
        return UidSet.of(Sql.list(c, "SELECT uid FROM message WHERE mailbox_id = ? AND recent = 1 ORDER BY uid",
                ps -> ps.setLong(1, mailboxId), rs -> rs.getLong(1)));
    }

    @Override
    public Optional<MaildropLock> lockMaildrop(long accountId) {
        if (!maildropLocks.add(accountId)) {
            return Optional.empty();
        }
        return Optional.of(new MaildropLock() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    maildropLocks.remove(accountId);
                }
            }
        });
    }
}
