package jotmai.imap;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.SequenceSet;
import jotmai.store.Flags;
import jotmai.store.UidSet;

/**
 * One session's view of its selected mailbox: the UIDs in sequence-number order (sequence number n is
 * {@code uids[n-1]}, RFC 9051 §2.3.1.2), the MODSEQ up to which store changes have been applied, the
 * expunges seen but not yet announced (withheld during FETCH/STORE/SEARCH, §7.4.1), this session's
 * \Recent UIDs (RFC 3501) and the SEARCHRES saved result (RFC 5182). Owned by the session thread.
 */
final class MailboxView {
    static final List<String> SYSTEM_FLAGS =
            List.of(Flags.ANSWERED, Flags.FLAGGED, Flags.DELETED, Flags.SEEN, Flags.DRAFT);

    final long mailboxId;
    final String name;
    final long uidValidity;
    /** READ-ONLY; on another user's mailbox it follows the rights (MailboxCommands.revalidateRights). */
    boolean readOnly;
    /** Selected with EXAMINE: read-only whatever the rights. */
    boolean examined;
    private long[] uids;
    /** {@link #uids} is the store's immutable array, shared with other sessions: copy before changing it. */
    private boolean uidsShared;
    private int count;
    long modSeq;
    final Set<Long> pendingExpunges = new TreeSet<>();
    final Set<Long> recent = new HashSet<>();
    final Set<String> keywords = new TreeSet<>();
    /** UID → MODSEQ of flag changes this session already reported itself (no duplicate FETCH). */
    final Map<Long, Long> ownFlagChanges = new HashMap<>();
    private UidSet saved = UidSet.EMPTY;
    /** Message rows already read, kept current by {@link ChangeSync} (issue 4: FETCH without a read). */
    private final MessageMetas metas = new MessageMetas();
    /** The session user's RFC 4314 rights on the mailbox (all of them on the user's own mailboxes). */
    jotmai.store.Rights rights = jotmai.store.Rights.ALL;
    /** Another user's mailbox: {@link #rights} are read again before each command. */
    boolean shared;
    /**
     * The account whose own \Seen marks this view shows instead of the message's \Seen (issue 7, see
     * {@link PrivateSeen}); 0 when the message flags are shown as they are.
     */
    long seenReader;
    /**
     * The highest MODSEQ of this reader's own \Seen marks already reported to the client. Marks are read
     * separately from the message changes, so a mark can be newer than the {@link #modSeq} the view
     * advances to; without this cursor the same mark would be announced again at the next wake-up.
     */
    long seenMarksReported;

    MailboxView(long mailboxId, String name, long uidValidity, boolean readOnly, long[] initialUids, long modSeq) {
        this.mailboxId = mailboxId;
        this.name = name;
        this.uidValidity = uidValidity;
        this.readOnly = readOnly;
        this.uids = initialUids.length == 0 ? new long[16] : initialUids;
        this.count = initialUids.length;
        this.modSeq = modSeq;
    }

    /**
     * A view over the store's UID array without copying it (SELECT of a 100,000-message mailbox by many
     * sessions would otherwise hold 800 KB per session); the first add or remove copies it.
     */
    static MailboxView sharing(long mailboxId, String name, long uidValidity, boolean readOnly, long[] storeUids,
                               long modSeq) {
        MailboxView view = new MailboxView(mailboxId, name, uidValidity, readOnly, storeUids, modSeq);
        view.uidsShared = storeUids.length > 0;
        return view;
    }

    private void own(int capacity) {
        if (uidsShared || capacity > uids.length) {
            uids = Arrays.copyOf(uids, Math.max(capacity, uidsShared ? uids.length : 0));
            uidsShared = false;
        }
    }

    int size() {
        return count;
    }

    long uidAt(int seq) {
        return uids[seq - 1];
    }

    /** Sequence number of a UID, or 0 when not in the view. */
    int seqOf(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        return i >= 0 ? i + 1 : 0;
    }

    /** The view's UIDs in ascending order (a copy's worth of work only for whoever consumes it). */
    java.util.stream.LongStream uids() {
        return Arrays.stream(uids, 0, count);
    }

    long maxUid() {
        return count == 0 ? 0 : uids[count - 1];
    }

    /** Adds a UID (normally larger than all others; kept sorted otherwise). Returns false if present. */
    boolean add(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        if (i >= 0) {
            return false;
        }
        int at = -i - 1;
        // grow by an eighth, not double: a session on a 100,000-message mailbox gets one new message
        own(count == uids.length ? count + Math.max(16, count >> 3) : uids.length);
        System.arraycopy(uids, at, uids, at + 1, count - at);
        uids[at] = uid;
        count++;
        return true;
    }

    /** Removes a UID and returns the sequence number it had, 0 if absent. */
    int remove(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        if (i < 0) {
            return 0;
        }
        own(uids.length);
        System.arraycopy(uids, i + 1, uids, i, count - i - 1);
        count--;
        recent.remove(uid);
        ownFlagChanges.remove(uid);
        metas.forget(uid);
        return i + 1;
    }

    /** The UIDs of the view as a set (for whole-mailbox store calls). */
    UidSet allUids() {
        return toUidSet(0, count);
    }

    private UidSet toUidSet(int from, int to) {
        List<Long> list = new java.util.ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            list.add(uids[i]);
        }
        return UidSet.of(list);
    }

    /**
     * Resolves a sequence set to UIDs in this view. With {@code uid} the numbers are UIDs ("*" is the
     * largest UID; RFC 9051 §6.4.8: UIDs not in the view are ignored), else sequence numbers, which must
     * exist (else BAD, as §6.4.5 lets servers answer).
     */
    UidSet resolve(SequenceSet set, boolean uid) {
        if (set.saved()) {
            return UidSet.of(saved.stream().filter(u -> seqOf(u) > 0).boxed().toList());
        }
        List<Long> out = new java.util.ArrayList<>();
        for (SequenceSet.Range r : set.ranges()) {
            if (uid) {
                long max = maxUid();
                long lo = r.from() == SequenceSet.STAR ? max : r.from();
                long hi = r.to() == SequenceSet.STAR ? max : r.to();
                if (lo > hi) {
                    long x = lo;
                    lo = hi;
                    hi = x;
                }
                int i = lowerBound(lo);
                for (; i < count && uids[i] <= hi; i++) {
                    out.add(uids[i]);
                }
            } else {
                if (count == 0) {
                    continue; // nothing to address in an empty mailbox; "1:*" there is a common client habit
                }
                long lo = r.from() == SequenceSet.STAR ? count : r.from();
                long hi = r.to() == SequenceSet.STAR ? count : r.to();
                if (lo > hi) {
                    long x = lo;
                    lo = hi;
                    hi = x;
                }
                if (hi > count) {
                    throw new ImapException.Bad("invalid message sequence number");
                }
                for (long s = lo; s <= hi; s++) {
                    out.add(uids[(int) s - 1]);
                }
            }
            if (out.size() > 10_000_000) {
                throw new ImapException.No(ResponseCode.LIMIT, "too many messages");
            }
        }
        return UidSet.of(out);
    }

    private int lowerBound(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        return i >= 0 ? i : -i - 1;
    }

    void save(UidSet result) {
        this.saved = result;
    }

    /** The row of a message this view already got from the store, current as of the last sync; or null. */
    jotmai.store.MessageMeta knownMeta(long uid) {
        return metas.get(uid);
    }

    /**
     * Remembers a message row the store just returned (a read, a flag update, a change record) for a UID
     * in the view; not for a view with a reader's own \Seen, whose flags are composed per reader.
     */
    void rememberMeta(jotmai.store.MessageMeta meta) {
        if (seenReader == 0 && seqOf(meta.uid()) > 0) {
            metas.remember(meta);
        }
    }

    /** Forgets the remembered rows, e.g. while the session idles for hours (see {@link MessageMetas}). */
    void forgetRows() {
        metas.clear();
    }

    boolean isRecent(long uid) {
        return recent.contains(uid);
    }
}
