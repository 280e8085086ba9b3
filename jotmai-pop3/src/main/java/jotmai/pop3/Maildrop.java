package jotmai.pop3;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/**
 * The maildrop as one POP3 session sees it: a snapshot of INBOX taken when the session entered the
 * TRANSACTION state. RFC 1939 §5: message numbers and sizes stay fixed for the whole session, whatever
 * other sessions (IMAP, deliveries) do meanwhile; new mail shows up at the next login.
 *
 * <p>Deletion marks (DELE) and retrieval marks (RETR) live only here until QUIT commits them (RFC 1939
 * §6); a dropped connection simply forgets this object.
 */
final class Maildrop {

    private final long mailboxId;
    private final long uidValidity;
    private final List<MessageMeta> messages;
    private final BitSet deleted = new BitSet();
    private final BitSet retrieved = new BitSet();
    /** Downloaded over POP3 in an earlier session: the store already has their first retrieval time. */
    private final BitSet retrievedBefore;

    private Maildrop(long mailboxId, long uidValidity, List<MessageMeta> messages, BitSet retrievedBefore) {
        this.mailboxId = mailboxId;
        this.uidValidity = uidValidity;
        this.messages = List.copyOf(messages);
        this.retrievedBefore = retrievedBefore;
    }

    /**
     * Takes the snapshot.
     *
     * @param all              INBOX's messages in UID order
     * @param retrieved        UIDs of messages ever downloaded over POP3 ({@code MailStore#retrievedTimes})
     * @param hideSeenOverImap leave out messages read over IMAP (\Seen) that POP3 never downloaded
     */
    static Maildrop snapshot(Mailbox inbox, List<MessageMeta> all, Set<Long> retrieved, boolean hideSeenOverImap) {
        List<MessageMeta> visible = new ArrayList<>(all.size());
        BitSet retrievedBefore = new BitSet();
        for (MessageMeta m : all) {
            boolean downloaded = retrieved.contains(m.uid());
            if (hideSeenOverImap && m.hasFlag(Flags.SEEN) && !downloaded) {
                continue;
            }
            if (downloaded) {
                retrievedBefore.set(visible.size());
            }
            visible.add(m);
        }
        return new Maildrop(inbox.id(), inbox.uidValidity(), visible, retrievedBefore);
    }

    long mailboxId() {
        return mailboxId;
    }

    /**
     * A message that exists and is not marked deleted (RFC 1939 §5: commands naming a deleted message
     * fail).
     */
    MessageMeta message(int number) {
        if (number < 1 || number > messages.size()) {
            throw new Pop3Exception.Err("no such message, only " + messages.size() + " messages in maildrop");
        }
        if (deleted.get(number - 1)) {
            throw new Pop3Exception.Err("message " + number + " already deleted");
        }
        return messages.get(number - 1);
    }

    /** Highest message number (deleted ones included: numbers never shift within a session). */
    int highestNumber() {
        return messages.size();
    }

    boolean isDeleted(int number) {
        return deleted.get(number - 1);
    }

    /** RFC 1939 §5 STAT: messages not marked deleted. */
    int liveCount() {
        return messages.size() - deleted.cardinality();
    }

    /** RFC 1939 §5 STAT: their total size in octets. */
    long liveSize() {
        long size = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (!deleted.get(i)) {
                size += messages.get(i).size();
            }
        }
        return size;
    }

    void delete(int number) {
        message(number);
        deleted.set(number - 1);
    }

    void markRetrieved(int number) {
        retrieved.set(number - 1);
    }

    /** RFC 1939 §5 RSET: unmark every deletion. */
    void reset() {
        deleted.clear();
    }

    /**
     * RFC 1939 §7 UIDL: 1 to 70 characters in 0x21-0x7E, never reused for another message. UIDVALIDITY
     * plus UID gives exactly that and stays the same across sessions, restarts and IMAP activity.
     */
    String uidl(int number) {
        return uidValidity + "." + message(number).uid();
    }

    UidSet deletedUids() {
        List<Long> uids = new ArrayList<>();
        deleted.stream().forEach(i -> uids.add(messages.get(i).uid()));
        return UidSet.of(uids);
    }

    /** Messages retrieved in this session and not deleted. */
    List<MessageMeta> retrievedKept() {
        List<MessageMeta> out = new ArrayList<>();
        retrieved.stream().filter(i -> !deleted.get(i)).forEach(i -> out.add(messages.get(i)));
        return out;
    }

    /**
     * Of {@link #retrievedKept()}, those whose first retrieval time is not in the store yet (a leave-on-
     * server client downloading again would otherwise cost a durable write at every QUIT).
     */
    List<MessageMeta> retrievedFirstTime() {
        List<MessageMeta> out = new ArrayList<>();
        retrieved.stream().filter(i -> !deleted.get(i) && !retrievedBefore.get(i)).forEach(i -> out.add(messages.get(i)));
        return out;
    }
}
