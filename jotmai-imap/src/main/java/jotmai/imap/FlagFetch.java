package jotmai.imap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import jotmai.imap.protocol.FetchItem;
import jotmai.imap.protocol.ResponseWriter;
import jotmai.store.FlagRows;
import jotmai.store.FlagSetList;
import jotmai.store.Flags;
import jotmai.store.UidSet;

/**
 * FETCH whose items are only UID, FLAGS and MODSEQ (RFC 9051 §6.4.5, RFC 7162 §3.1.4) - what a client
 * sends at every resync, "UID FETCH 1:* (FLAGS)" - answered from the mailbox's flag rows
 * ({@link jotmai.store.MailStore#flagRows}, cached by the store for big mailboxes) instead of full message
 * rows, and written as bytes: each distinct flag set is encoded once, a response line is numbers plus a
 * copy of those bytes, and lines go out in {@link #CHUNK}-byte writes (issue 4: 100,000 lines).
 * Same output as {@link FetchCommand}'s general path, line for line.
 */
final class FlagFetch {
    /** Bytes of response lines collected before one write. */
    static final int CHUNK = 64 * 1024;
    /** Room for the numbers of one line: "* seq FETCH (UID n MODSEQ (m) FLAGS " and the closing. */
    private static final int LINE_NUMBERS = 128;

    private final SessionContext ctx;
    private final ChangeSync sync;

    FlagFetch(SessionContext ctx, ChangeSync sync) {
        this.ctx = ctx;
        this.sync = sync;
    }

    /** Whether the items need nothing but UID, flags and MODSEQ. */
    static boolean answers(List<FetchItem> items) {
        return !items.isEmpty() && items.stream().allMatch(i -> i instanceof FetchItem.Uid
                || i instanceof FetchItem.Flags || i instanceof FetchItem.ModSeq);
    }

    /**
     * Writes one FETCH response per message of {@code uids} that is in the view (and, with
     * {@code changedSince} >= 0, whose MODSEQ is above it), in sequence order, items in the order asked.
     * The rows are the store's current ones: a message already expunged there gets no response, as in the
     * general path.
     */
    void write(MailboxView view, UidSet uids, List<FetchItem> items, long changedSince) {
        if (uids.isEmpty()) {
            return;
        }
        FlagRows rows = ctx.seen.flagRows(view); // issue 7: a reader's own \Seen on a shared mailbox
        FlagSetList sets = rows.flagSets();
        byte[][] encoded = new byte[sets.table().size()][];
        boolean withRecent = !ctx.rev2() && !view.recent.isEmpty(); // RFC 3501 §2.3.2, rev1 only
        boolean whole = uids.ranges().size() == 1 && uids.ranges().getFirst().first() <= view.uidAt(1)
                && uids.ranges().getFirst().last() >= view.maxUid();
        ResponseWriter out = ctx.out;
        byte[] buf = new byte[CHUNK + LINE_NUMBERS];
        int at = 0;
        long[] rowUids = rows.uids();
        int viewSize = view.size();
        int j = 0; // view index, sequence number j + 1: rows and view are both in UID order
        for (int i = 0; i < rowUids.length && j < viewSize; i++) {
            long uid = rowUids[i];
            while (j < viewSize && view.uidAt(j + 1) < uid) {
                j++;
            }
            if (j == viewSize || view.uidAt(j + 1) != uid || (!whole && !uids.contains(uid))) {
                continue;
            }
            long modSeq = rows.modSeqs()[i];
            if (modSeq <= changedSince) {
                continue;
            }
            int t = sets.setAt(i);
            if (encoded[t] == null) {
                out.ascii(buf, 0, at); // a new keyword is announced (FLAGS) before the line that has it
                at = 0;
                sync.noteKeywords(view, sets.table().get(t));
                encoded[t] = encode(sets.table().get(t));
            }
            byte[] flags = encoded[t];
            boolean recent = withRecent && view.isRecent(uid);
            int need = (flags.length + LINE_NUMBERS) * items.size(); // items may repeat
            if (at + need > buf.length) {
                out.ascii(buf, 0, at);
                at = 0;
                if (need > buf.length) {
                    buf = new byte[need];
                }
            }
            at = put(buf, at, "* ");
            at = ResponseWriter.digits(j + 1, buf, at);
            at = put(buf, at, " FETCH (");
            for (int k = 0; k < items.size(); k++) {
                if (k > 0) {
                    buf[at++] = ' ';
                }
                switch (items.get(k)) {
                    case FetchItem.Uid u -> {
                        at = put(buf, at, "UID ");
                        at = ResponseWriter.digits(uid, buf, at);
                    }
                    case FetchItem.ModSeq m -> {
                        at = put(buf, at, "MODSEQ (");
                        at = ResponseWriter.digits(modSeq, buf, at);
                        buf[at++] = ')';
                    }
                    case FetchItem.Flags f -> {
                        at = put(buf, at, "FLAGS ");
                        // "(\Seen)": the closing parenthesis goes after \Recent when there is one
                        System.arraycopy(flags, 0, buf, at, flags.length - 1);
                        at += flags.length - 1;
                        if (recent) {
                            at = put(buf, at, flags.length > 2 ? " " + Flags.RECENT : Flags.RECENT);
                        }
                        buf[at++] = ')';
                    }
                    default -> throw new IllegalStateException("not a flag item: " + items.get(k));
                }
            }
            at = put(buf, at, ")\r\n");
        }
        out.ascii(buf, 0, at);
    }

    /** "(\Answered \Seen)" - flags are atoms (RFC 9051 §9 flag-keyword), in the set's order. */
    private static byte[] encode(Set<String> flags) {
        return ("(" + String.join(" ", flags) + ")").getBytes(StandardCharsets.UTF_8);
    }

    private static int put(byte[] buf, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            buf[at++] = (byte) ascii.charAt(i);
        }
        return at;
    }
}
