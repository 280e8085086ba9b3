package jotmai.pop3;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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

    /**
     * Keyword set on messages downloaded over POP3, with the date of the first download, e.g.
     * "$POP3Retrieved-20261129". It drives EXPIRE (RFC 2449 §6.7: the retention period runs from
     * retrieval) and keeps POP3-downloaded messages visible when "hide messages seen over IMAP" is on.
     * A keyword, because the store has no column for it (see the report: a store-api request).
     */
    static final String RETRIEVED_KEYWORD_PREFIX = "$POP3Retrieved-";

    private static final DateTimeFormatter KEYWORD_DATE = DateTimeFormatter.BASIC_ISO_DATE;

    private final long mailboxId;
    private final long uidValidity;
    private final List<MessageMeta> messages;
    private final BitSet deleted = new BitSet();
    private final BitSet retrieved = new BitSet();

    private Maildrop(long mailboxId, long uidValidity, List<MessageMeta> messages) {
        this.mailboxId = mailboxId;
        this.uidValidity = uidValidity;
        this.messages = List.copyOf(messages);
    }

    /**
     * Takes the snapshot.
     *
     * @param all              INBOX's messages in UID order
     * @param hideSeenOverImap leave out messages read over IMAP (\Seen) that POP3 never downloaded
     */
    static Maildrop snapshot(Mailbox inbox, List<MessageMeta> all, boolean hideSeenOverImap) {
        List<MessageMeta> visible = new ArrayList<>(all.size());
        for (MessageMeta m : all) {
            if (hideSeenOverImap && m.hasFlag(Flags.SEEN) && retrievedOn(m).isEmpty()) {
                continue;
            }
            visible.add(m);
        }
        return new Maildrop(inbox.id(), inbox.uidValidity(), visible);
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

    static String retrievedKeyword(LocalDate date) {
        return RETRIEVED_KEYWORD_PREFIX + KEYWORD_DATE.format(date);
    }

    /** When a message was first downloaded over POP3, if it was. */
    static Optional<LocalDate> retrievedOn(MessageMeta message) {
        for (String flag : message.flags()) {
            if (flag.length() > RETRIEVED_KEYWORD_PREFIX.length()
                    && flag.regionMatches(true, 0, RETRIEVED_KEYWORD_PREFIX, 0, RETRIEVED_KEYWORD_PREFIX.length())) {
                try {
                    return Optional.of(LocalDate.parse(
                            flag.substring(RETRIEVED_KEYWORD_PREFIX.length()).toUpperCase(Locale.ROOT), KEYWORD_DATE));
                } catch (DateTimeParseException e) {
                    // someone else's keyword with our prefix: not ours
                }
            }
        }
        return Optional.empty();
    }
}
