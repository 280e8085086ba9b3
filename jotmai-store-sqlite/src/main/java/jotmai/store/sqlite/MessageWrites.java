package jotmai.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.store.AppendResult;
import jotmai.store.CopyResult;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.MailStore.DeliveryTarget;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.UidSet;
import jotmai.store.support.StoredFlags;

/**
 * The message-changing operations, each one write task in the group-commit transaction. Parsing the
 * message happens on the caller's thread before the task is queued; only SQL runs on the writer.
 */
final class MessageWrites {

    private final GroupCommitWriter writer;
    private final long blobGraceMs;

    MessageWrites(GroupCommitWriter writer, long blobGraceMs) {
        this.writer = writer;
        this.blobGraceMs = blobGraceMs;
    }

    /** What {@link #deliver} stored: the results per target, and the blob with its encoded structure. */
    record Delivered(List<AppendResult> results, long blobId, byte[] structure) {}

    Delivered deliver(MessageSource source, List<DeliveryTarget> targets, Instant internalDate) {
        if (targets.isEmpty()) {
            return new Delivered(List.of(), 0, null);
        }
        List<Set<String>> flags = new ArrayList<>();
        List<Long> mailboxIds = new ArrayList<>();
        for (DeliveryTarget t : targets) {
            flags.add(StoredFlags.canonical(t.flags()));
            mailboxIds.add(t.mailboxId());
        }
        return deliver(source, flags, c -> mailboxIds, internalDate);
    }

    /** APPEND into an own mailbox found by its normalized name inside the write (no read before it). */
    Delivered appendByName(long accountId, String normalizedName, MessageSource source, Set<String> flags,
                           Instant internalDate) {
        return deliver(source, List.of(StoredFlags.canonical(flags)), c -> List.of(MailboxRows.byName(c, accountId,
                normalizedName).orElseThrow(() -> new StoreException.NotFound("no such mailbox")).id()), internalDate);
    }

    /** The target mailboxes of a delivery, found on the writer's connection inside its transaction. */
    private interface Targets {
        List<Long> mailboxIds(java.sql.Connection c) throws SQLException;
    }

    private Delivered deliver(MessageSource source, List<Set<String>> flags, Targets targets, Instant internalDate) {
        long size = source.size();
        MessageStructures.Parsed parsed = MessageStructures.parse(source);
        byte[] structure = parsed.structure();
        long internalMs = internalDate.toEpochMilli();
        long[] blob = new long[1];
        List<AppendResult> stored = writer.write(tx -> {
            Map<Long, Long> messagesPerAccount = new LinkedHashMap<>();
            List<Long> accountIds = new ArrayList<>();
            List<Long> mailboxIds = targets.mailboxIds(tx.c());
            for (long mailboxId : mailboxIds) {
                long accountId = MailboxRows.accountOf(tx.c(), mailboxId);
                accountIds.add(accountId);
                messagesPerAccount.merge(accountId, 1L, Long::sum);
            }
            for (Map.Entry<Long, Long> e : messagesPerAccount.entrySet()) {
                Quotas.check(tx, e.getKey(), size * e.getValue(), e.getValue(), size);
            }
            long blobId = BlobTable.insert(tx, source, size, structure, mailboxIds.size());
            blob[0] = blobId;
            List<AppendResult> results = new ArrayList<>();
            Map<Long, Long> threadPerAccount = new HashMap<>();
            for (int i = 0; i < mailboxIds.size(); i++) {
                long mailboxId = mailboxIds.get(i);
                long threadId = Threads.assignOnce(tx, threadPerAccount, accountIds.get(i), parsed.threadKeys(), blobId);
                MessageRows.Allocation a = MessageRows.allocate(tx, mailboxId, 1);
                MessageMeta meta = MessageRows.insert(tx, mailboxId, a.firstUid(), a.modSeq(), flags.get(i),
                        internalMs, size, blobId, threadId);
                Quotas.add(tx, accountIds.get(i), size, 1);
                tx.ring(mailboxId);
                results.add(new AppendResult(mailboxId, a.uidValidity(), a.firstUid(), a.modSeq(), meta));
            }
            return results;
        });
        return new Delivered(stored, blob[0], structure);
    }

    CopyResult copy(long sourceMailboxId, UidSet uids, long targetMailboxId, boolean move) {
        return writer.write(tx -> {
            Mailbox source = MailboxRows.require(tx.c(), sourceMailboxId);
            Mailbox target = MailboxRows.require(tx.c(), targetMailboxId);
            return copyInTx(tx, source, uids, target, move);
        });
    }

    /**
     * Copies (RFC 9051 §6.4.7) or moves (RFC 6851) messages, sharing their blobs. A move within one
     * account needs no quota; a copy or a move to another account is checked against the target's.
     */
    static CopyResult copyInTx(Tx tx, Mailbox source, UidSet uids, Mailbox target, boolean move) throws SQLException {
        List<MessageRows.Row> rows = MessageRows.select(tx.c(), source.id(), uids, false);
        if (rows.isEmpty()) {
            return new CopyResult(target.uidValidity(), List.of());
        }
        long bytes = 0;
        long largest = 0;
        for (MessageRows.Row r : rows) {
            bytes += r.meta().size();
            largest = Math.max(largest, r.meta().size());
        }
        if (!move || source.accountId() != target.accountId()) {
            Quotas.check(tx, target.accountId(), bytes, rows.size(), largest);
        }
        MessageRows.Allocation a = MessageRows.allocate(tx, target.id(), rows.size());
        List<CopyResult.UidMapping> mappings = new ArrayList<>();
        Map<Long, Integer> refs = new HashMap<>();
        long uid = a.firstUid();
        for (MessageRows.Row r : rows) {
            MessageRows.insert(tx, target.id(), uid, a.modSeq(), r.meta().flags(), r.meta().internalDate().toEpochMilli(),
                    r.meta().size(), r.blobId(), r.threadId()); // RFC 8474 §5.2: a copy stays in its thread
            mappings.add(new CopyResult.UidMapping(r.meta().uid(), uid));
            refs.merge(r.blobId(), 1, Integer::sum);
            uid++;
        }
        for (Map.Entry<Long, Integer> e : refs.entrySet()) {
            BlobTable.addRefs(tx, e.getKey(), e.getValue());
        }
        Quotas.add(tx, target.accountId(), bytes, rows.size());
        tx.ring(target.id());
        if (move) {
            MessageRows.Allocation removal = MessageRows.allocate(tx, source.id(), 0);
            MessageRows.remove(tx, source.id(), source.accountId(), rows, removal.modSeq());
            tx.ring(source.id());
        }
        return new CopyResult(a.uidValidity(), mappings);
    }

    FlagResult updateFlags(long mailboxId, UidSet uids, FlagOperation operation, Set<String> flags,
                           OptionalLong unchangedSince) {
        Set<String> given = StoredFlags.canonical(flags);
        // flag-only: acknowledged before the fsync (see GroupCommitWriter, relaxed durability)
        return writer.writeRelaxed(tx -> {
            MailboxRows.require(tx.c(), mailboxId);
            List<MessageRows.Row> rows = MessageRows.select(tx.c(), mailboxId, uids, false);
            List<Long> modified = new ArrayList<>();
            List<MessageRows.Row> changing = new ArrayList<>();
            List<Set<String>> newFlags = new ArrayList<>();
            for (MessageRows.Row r : rows) {
                // RFC 7162 §3.1.3: leave alone messages changed after UNCHANGEDSINCE.
                if (unchangedSince.isPresent() && r.meta().modSeq() > unchangedSince.getAsLong()) {
                    modified.add(r.meta().uid());
                    continue;
                }
                Set<String> after = StoredFlags.apply(r.meta().flags(), operation, given);
                if (!StoredFlags.sameFlags(after, r.meta().flags())) {
                    changing.add(r);
                    newFlags.add(after);
                }
            }
            List<MessageMeta> updated = new ArrayList<>();
            if (!changing.isEmpty()) {
                long modSeq = MessageRows.allocate(tx, mailboxId, 0).modSeq();
                for (int i = 0; i < changing.size(); i++) {
                    MessageMeta m = changing.get(i).meta();
                    MessageRows.updateFlags(tx, mailboxId, m.uid(), modSeq, newFlags.get(i));
                    updated.add(new MessageMeta(m.mailboxId(), m.uid(), modSeq, newFlags.get(i), m.internalDate(),
                            m.saveDate(), m.size(), m.blob()));
                }
                tx.ring(mailboxId);
            }
            return new FlagResult(updated, UidSet.of(modified));
        });
    }

    /**
     * Expunges the \\Deleted messages among {@code uids} (all when empty). {@code anyDeleted} is a read
     * done first on a reader connection: when no such message exists there is nothing to write, and the
     * caller does not queue behind other sessions' durable commits (clients send EXPUNGE and CLOSE
     * often with nothing marked). A message marked after that read was marked concurrently with this
     * EXPUNGE, which may then be ordered first.
     */
    List<Long> expunge(long mailboxId, Optional<UidSet> uids, boolean anyDeleted) {
        if (!anyDeleted) {
            return List.of();
        }
        return writer.write(tx -> {
            Mailbox m = MailboxRows.require(tx.c(), mailboxId);
            List<MessageRows.Row> rows = MessageRows.select(tx.c(), mailboxId, uids.orElse(null), true);
            if (rows.isEmpty()) {
                return List.<Long>of();
            }
            long modSeq = MessageRows.allocate(tx, mailboxId, 0).modSeq();
            MessageRows.remove(tx, mailboxId, m.accountId(), rows, modSeq);
            BlobTable.purge(tx, tx.now() - blobGraceMs);
            tx.ring(mailboxId);
            List<Long> out = new ArrayList<>();
            for (MessageRows.Row r : rows) {
                out.add(r.meta().uid());
            }
            return out;
        });
    }

    /** RFC 3501 §2.3.2 \Recent: the first session to claim a message gets it, atomically. */
    UidSet claimRecent(long mailboxId) {
        // a crash that undoes a claim only shows the message as recent once more: relaxed
        return writer.writeRelaxed(tx -> {
            MailboxRows.require(tx.c(), mailboxId);
            UidSet uids = SqliteMailStore.recentUids(tx.c(), mailboxId);
            if (!uids.isEmpty()) {
                try (PreparedStatement ps = tx.c().prepareStatement(
                        "UPDATE message SET recent = 0 WHERE mailbox_id = ? AND recent = 1")) {
                    ps.setLong(1, mailboxId);
                    ps.executeUpdate();
                }
            }
            return uids;
        });
    }
}
