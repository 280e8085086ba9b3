package jotmai.store.support;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jotmai.store.Changes;
import jotmai.store.MailStore;
import jotmai.store.MessageMeta;
import jotmai.store.StoreChange;

/**
 * The result of {@link MailStore#changesSince} from two bound queries that every backend writes in its
 * own schema: the messages changed after a MODSEQ (message columns, then the MODSEQ the message was
 * added at) and the tombstones of messages expunged after it. A message added after that MODSEQ is
 * {@code Added}, an older one {@code FlagsChanged}; everything in MODSEQ order (RFC 7162 §3.2.5 ties
 * are broken by UID) so that sessions apply them as they happened.
 */
public final class ChangeRows {
    private ChangeRows() {}

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
     */
    public static Changes read(PreparedStatement messages, int addedModSeqColumn, MessageMapper mapper,
                               PreparedStatement tombstones, long modSeq, long highestModSeq) throws SQLException {
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
                changes.add(new StoreChange.Expunged(rs.getLong(1), rs.getLong(2)));
            }
        }
        changes.sort(Comparator.comparingLong(StoreChange::modSeq).thenComparingLong(StoreChange::uid));
        return new Changes(highestModSeq, changes);
    }
}
