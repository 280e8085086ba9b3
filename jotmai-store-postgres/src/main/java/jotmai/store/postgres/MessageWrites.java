package jotmai.store.postgres;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jotmai.store.AppendResult;
import jotmai.store.CopyResult;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.MailStore.DeliveryTarget;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.QuotaUsage;
import jotmai.store.UidSet;
import jotmai.store.jdbc.Sql;
import jotmai.store.support.SearchableText;
import jotmai.store.support.StoredFlags;

/**
 * The message-changing operations, each one transaction. Parsing and hashing happen before the
 * transaction; locks are taken in the global order of {@link Db} (account_state rows, then mailbox
 * rows by id, then blob reference counts), and the mailbox row lock that allocates UIDs and MODSEQs is
 * taken as late as possible, so bytes are uploaded while no mailbox is locked.
 */
final class MessageWrites {

    /** From this size on, quotas are checked before the bytes are uploaded. */
    static final long QUOTA_PRECHECK_BYTES = 64 * 1024;

    private final Db db;
    private final BlobStore blobs;

    MessageWrites(Db db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    /** RFC 9051 §6.3.12 APPEND and SMTP delivery to several local mailboxes: bytes stored once. */
    List<AppendResult> deliver(MessageSource source, List<DeliveryTarget> targets, Instant internalDate) {
        if (targets.isEmpty()) {
            return List.of();
        }
        List<Set<String>> flags = new ArrayList<>();
        for (DeliveryTarget t : targets) {
            flags.add(StoredFlags.canonical(t.flags()));
        }
        MessageStructures.Prepared prepared = MessageStructures.prepare(source);
        Optional<SearchableText.Text> text = SearchTexts.extract(prepared, source);
        long size = prepared.size();
        Map<Long, Integer> messagesPerAccount = new TreeMap<>();
        for (DeliveryTarget t : targets) {
            messagesPerAccount.merge(MailboxIds.accountOf(t.mailboxId()), 1, Integer::sum);
        }
        Integer[] order = new Integer[targets.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingLong(i -> targets.get(i).mailboxId()));
        return db.tx(tx -> {
            // Fail fast, before uploading a large message, when a quota is clearly exceeded (the charge
            // below checks again under lock; for small messages this extra round trip is not worth it).
            for (Map.Entry<Long, Integer> e : size < QUOTA_PRECHECK_BYTES ? Map.<Long, Integer>of().entrySet()
                    : messagesPerAccount.entrySet()) {
                QuotaUsage usage = AccountRows.usage(tx.c(), e.getKey());
                if (usage.wouldExceed(size * e.getValue())) {
                    throw AccountRows.quotaExceeded(e.getKey(), usage.usedBytes(), size * e.getValue(),
                            usage.limitBytes(), size);
                }
            }
            BlobRows.ensure(tx, blobs, prepared, source);
            SearchTexts.insert(tx, prepared.blobId(), text);
            for (Map.Entry<Long, Integer> e : messagesPerAccount.entrySet()) {
                AccountRows.charge(tx.c(), e.getKey(), size * e.getValue(), e.getValue(), size);
            }
            AppendResult[] results = new AppendResult[targets.size()];
            Map<Long, Long> threadPerAccount = new HashMap<>();
            for (int i : order) {
                long mailboxId = targets.get(i).mailboxId();
                long threadId = Threads.assignOnce(tx.c(), threadPerAccount, MailboxIds.accountOf(mailboxId),
                        prepared.threadKeys());
                MailboxRows.Allocation a = MailboxRows.allocate(tx.c(), mailboxId, 1, Counts.of(flags.get(i), size));
                MessageMeta meta = MessageRows.insert(tx, mailboxId, a.firstUid(), a.modSeq(), flags.get(i),
                        internalDate, size, prepared.blobId(), threadId);
                results[i] = new AppendResult(mailboxId, a.uidValidity(), a.firstUid(), a.modSeq(), meta);
                tx.ring(mailboxId);
            }
            BlobRows.addRefs(tx, Map.of(prepared.blobId(), targets.size()), prepared.structure());
            return List.of(results);
        });
    }

    /** RFC 9051 §6.4.7 COPY and RFC 6851 MOVE. */
    CopyResult copy(long sourceMailboxId, UidSet uids, long targetMailboxId, boolean move) {
        return db.tx(tx -> {
            long sourceAccount = MailboxIds.accountOf(sourceMailboxId);
            long targetAccount = MailboxIds.accountOf(targetMailboxId);
            TreeSet<Long> accounts = new TreeSet<>(List.of(targetAccount));
            if (move) {
                accounts.add(sourceAccount);
            }
            for (long account : accounts) {
                AccountRows.lock(tx.c(), account);
            }
            Mailbox source;
            Mailbox target;
            if (move && sourceMailboxId < targetMailboxId) {
                source = MailboxRows.lock(tx.c(), sourceMailboxId);
                target = MailboxRows.lock(tx.c(), targetMailboxId);
            } else if (move) {
                target = MailboxRows.lock(tx.c(), targetMailboxId);
                source = MailboxRows.lock(tx.c(), sourceMailboxId);
            } else {
                source = MailboxRows.require(tx.c(), sourceMailboxId);
                target = MailboxRows.lock(tx.c(), targetMailboxId);
            }
            CopyResult result = copyInTx(tx, source, uids, target, move);
            if (result.mappings().isEmpty()) {
                tx.setRollbackOnly();
            }
            return result;
        });
    }

    /**
     * Copies or moves messages, sharing their blobs. A move within one account needs no quota; a copy
     * or a move to another account is charged to the target. The caller holds the locks.
     */
    static CopyResult copyInTx(Tx tx, Mailbox source, UidSet uids, Mailbox target, boolean move) throws SQLException {
        List<MessageMeta> rows = MessageRows.select(tx.c(), source.id(), uids, false);
        if (rows.isEmpty()) {
            return new CopyResult(target.uidValidity(), List.of());
        }
        long bytes = 0;
        long largest = 0;
        Map<String, Integer> refs = new HashMap<>();
        for (MessageMeta m : rows) {
            bytes += m.size();
            largest = Math.max(largest, m.size());
            refs.merge(m.blob().id(), 1, Integer::sum);
        }
        boolean sameAccount = source.accountId() == target.accountId();
        if (!move || !sameAccount) {
            AccountRows.charge(tx.c(), target.accountId(), bytes, rows.size(), largest);
        }
        Counts counts = Counts.of(rows);
        // RFC 8474 §5.2: a copy stays in its thread
        Map<Long, Long> threads = Threads.of(tx.c(), source.id(), UidSet.of(rows.stream().map(MessageMeta::uid).toList()));
        MailboxRows.Allocation a = MailboxRows.allocate(tx.c(), target.id(), rows.size(), counts);
        List<CopyResult.UidMapping> mappings = new ArrayList<>();
        long uid = a.firstUid();
        for (MessageMeta m : rows) {
            MessageRows.insert(tx, target.id(), uid, a.modSeq(), m.flags(), m.internalDate(), m.size(), m.blob().id(),
                    threads.get(m.uid()));
            mappings.add(new CopyResult.UidMapping(m.uid(), uid));
            uid++;
        }
        tx.ring(target.id());
        if (move) {
            MailboxRows.Allocation removal = MailboxRows.allocate(tx.c(), source.id(), 0, counts.negate());
            MessageRows.remove(tx.c(), source.id(), rows, removal.modSeq());
            if (!sameAccount) {
                AccountRows.addUsage(tx.c(), source.accountId(), -bytes, -rows.size());
            }
            tx.ring(source.id());
        } else {
            BlobRows.addRefs(tx, refs, null);
        }
        return new CopyResult(a.uidValidity(), mappings);
    }

    /** RFC 9051 §6.4.6 STORE, with RFC 7162 §3.1.3 UNCHANGEDSINCE. */
    FlagResult updateFlags(long mailboxId, UidSet uids, FlagOperation operation, Set<String> flags,
                           OptionalLong unchangedSince) {
        Set<String> given = StoredFlags.canonical(flags);
        // flag-only: acknowledged before the WAL flush (Db.txRelaxed: at most a short window of flag
        // changes can be lost in a database crash, never mail)
        return db.txRelaxed(tx -> {
            MailboxRows.lock(tx.c(), mailboxId);
            List<Long> modified = new ArrayList<>();
            List<MessageMeta> changing = new ArrayList<>();
            Counts delta = Counts.NONE;
            for (MessageMeta m : MessageRows.select(tx.c(), mailboxId, uids, false)) {
                if (unchangedSince.isPresent() && m.modSeq() > unchangedSince.getAsLong()) {
                    modified.add(m.uid());
                    continue;
                }
                Set<String> after = StoredFlags.apply(m.flags(), operation, given);
                if (!StoredFlags.sameFlags(after, m.flags())) {
                    delta = delta.plus(Counts.flagChange(m.flags(), after));
                    changing.add(new MessageMeta(m.mailboxId(), m.uid(), 0, after, m.internalDate(), m.saveDate(),
                            m.size(), m.blob()));
                }
            }
            if (changing.isEmpty()) {
                tx.setRollbackOnly();
                return new FlagResult(List.of(), UidSet.of(modified));
            }
            long modSeq = MailboxRows.allocate(tx.c(), mailboxId, 0, delta).modSeq();
            MessageRows.updateFlags(tx.c(), mailboxId, changing, modSeq);
            List<MessageMeta> updated = new ArrayList<>();
            for (MessageMeta m : changing) {
                updated.add(new MessageMeta(m.mailboxId(), m.uid(), modSeq, m.flags(), m.internalDate(), m.saveDate(),
                        m.size(), m.blob()));
            }
            tx.ring(mailboxId);
            return new FlagResult(updated, UidSet.of(modified));
        });
    }

    /** RFC 9051 §6.4.3 EXPUNGE and RFC 4315 §2.1 UID EXPUNGE. */
    List<Long> expunge(long mailboxId, Optional<UidSet> uids) {
        return db.tx(tx -> {
            long accountId = MailboxIds.accountOf(mailboxId);
            AccountRows.lock(tx.c(), accountId);
            MailboxRows.lock(tx.c(), mailboxId);
            List<MessageMeta> rows = MessageRows.select(tx.c(), mailboxId, uids.orElse(null), true);
            if (rows.isEmpty()) {
                tx.setRollbackOnly();
                return List.<Long>of();
            }
            long modSeq = MailboxRows.allocate(tx.c(), mailboxId, 0, Counts.of(rows).negate()).modSeq();
            MessageRows.Removed removed = MessageRows.remove(tx.c(), mailboxId, rows, modSeq);
            AccountRows.addUsage(tx.c(), accountId, -removed.bytes(), -removed.count());
            BlobRows.release(tx, removed.blobRefs());
            tx.ring(mailboxId);
            return rows.stream().map(MessageMeta::uid).toList();
        });
    }

    /** RFC 3501 §2.3.2 \Recent: the first session to claim a message gets it, atomically across nodes. */
    UidSet claimRecent(long mailboxId) {
        // a crash that undoes a claim only shows the messages as recent once more: relaxed
        return db.txRelaxed(tx -> {
            MailboxRows.require(tx.c(), mailboxId);
            return UidSet.of(Sql.list(tx.c(), """
                    UPDATE messages SET recent = false WHERE account_id = ? AND mailbox_id = ? AND recent
                    RETURNING uid""", ps -> {
                ps.setLong(1, MailboxIds.accountOf(mailboxId));
                ps.setLong(2, mailboxId);
            }, rs -> rs.getLong(1)));
        });
    }
}
