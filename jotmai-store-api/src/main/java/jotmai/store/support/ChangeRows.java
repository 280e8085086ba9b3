package jotmai.store.support;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jotmai.store.Changes;
import jotmai.store.MailStore;
import jotmai.store.MessageMeta;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * The result of {@link MailStore#changesSince} from two bound queries that every backend writes in its
 * own schema: the messages changed after a MODSEQ (message columns, then the MODSEQ the message was
 * added at) and the tombstones of messages expunged after it. A message added after that MODSEQ is
 * {@code Added}, an older one {@code FlagsChanged}; everything in MODSEQ order (RFC 7162 §3.2.5 ties
 * are broken by UID) so that sessions apply them as they happened.
 *
 * <p>The vanished floor: backends prune old tombstones ({@link MailStore#pruneTombstones}) and keep, in
 * the same table, one row with UID {@link #FLOOR_UID} whose MODSEQ is the highest pruned one. The
 * tombstone query above a MODSEQ returns that row exactly when the MODSEQ is below the floor, that is
 * when some expunges after it are gone: then the result carries the mailbox's current UIDs instead of
 * silently missing expunges ({@link Changes#existing}). Floor and tombstones change in one transaction
 * and are read by one statement, so no snapshot sees one without the other.
 */
public final class ChangeRows {
    private ChangeRows() {}

    /**
     * The UID of the floor row. No message has UID 0 (RFC 9051 §2.3.1.1: UIDs are non-zero), so the
     * row never names an expunged message.
     */
    public static final long FLOOR_UID = 0;

    /** Reads the mailbox's current UIDs in the caller's snapshot (only when the floor is crossed). */
    @FunctionalInterface
    public interface ExistingReader {
        UidSet read() throws SQLException;
    }

    /** Maps the message columns of the current row (the backend's own column list). */
    @FunctionalInterface
    public interface MessageMapper {
        MessageMeta map(ResultSet rs) throws SQLException;
    }

    /**
     * @param messages        bound; selects the message columns followed by the added MODSEQ in column
     *                        {@code addedModSeqColumn}
     * @param tombstones      bound; selects uid, modseq
     * @param highestModSeq   the mailbox's HIGHESTMODSEQ read in the same snapshot
     * @param uidNext         the mailbox's UIDNEXT read in the same snapshot
     * @param existing        reads the mailbox's UIDs in the same snapshot, called only below the floor
     */
    public static Changes read(PreparedStatement messages, int addedModSeqColumn, MessageMapper mapper,
                               PreparedStatement tombstones, long modSeq, long highestModSeq, long uidNext,
                               ExistingReader existing) throws SQLException {
        boolean belowFloor = false;
        List<StoreChange> changes = new ArrayList<>();
        try (ResultSet rs = messages.executeQuery()) {
            while (rs.next()) {
                MessageMeta meta = mapper.map(rs);
                changes.add(rs.getLong(addedModSeqColumn) > modSeq ? new StoreChange.Added(meta)
                        : new StoreChange.FlagsChanged(meta));
            }
        }
        try (ResultSet rs = tombstones.executeQuery()) {
            while (rs.next()) {
                long uid = rs.getLong(1);
                if (uid == FLOOR_UID) {
                    belowFloor = true; // expunges up to the floor's MODSEQ may be missing
                } else {
                    changes.add(new StoreChange.Expunged(uid, rs.getLong(2)));
                }
            }
        }
        changes.sort(Comparator.comparingLong(StoreChange::modSeq).thenComparingLong(StoreChange::uid));
        if (belowFloor) {
            return new Changes(highestModSeq, changes, Optional.of(new Changes.Existing(existing.read(), uidNext)));
        }
        return new Changes(highestModSeq, changes);
    }
}
