package jotmai.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.message.ParsedMessage;

/**
 * Mailboxes and messages of accounts.
 *
 * <p>Invariants every backend keeps (the contract suite checks them):
 * <ul>
 *   <li>UIDs strictly increase per mailbox and are never reused under one UIDVALIDITY.</li>
 *   <li>Every change (append, flag change, expunge) gets a MODSEQ above every earlier one in that
 *       mailbox (RFC 7162 §3.1); {@link #changesSince} reports it.</li>
 *   <li>Append, copy, move and flag changes are atomic and durable before the method returns.</li>
 *   <li>After each committed change the backend rings {@link ChangeBus#ring} for the mailbox.</li>
 * </ul>
 * Failures are {@link StoreException}s; {@link StoreException.Unavailable} means "try again".
 */
public interface MailStore {

    // ---- mailboxes ----

    List<Mailbox> mailboxes(long accountId);

    /**
     * Looks a mailbox up by name; "INBOX" in any case names the inbox (also as the first level of a
     * child name: "inbox/x" is "INBOX/x"). Empty for names that cannot exist.
     */
    Optional<Mailbox> mailbox(long accountId, String name);

    Optional<Mailbox> mailbox(long mailboxId);

    /**
     * Creates a mailbox. Missing parents are not created (the protocol decides). Throws
     * {@link StoreException.AlreadyExists} if the name is taken, {@link StoreException.Invalid} for names
     * that cannot exist (empty, leading/trailing/double delimiter, control characters, '*' or '%').
     * A new mailbox is not subscribed and gets a UIDVALIDITY no earlier mailbox of that name had.
     */
    Mailbox createMailbox(long accountId, String name, Optional<SpecialUse> specialUse);

    /**
     * Deletes one mailbox and its messages; children stay, subscriptions stay (RFC 9051 §6.3.9). INBOX
     * cannot be deleted ({@link StoreException.Conflict}); an unknown name is
     * {@link StoreException.NotFound}.
     */
    void deleteMailbox(long accountId, String name);

    /**
     * Renames a mailbox and all its children (RFC 9051 §6.3.6). Renaming INBOX moves all its messages
     * into a new mailbox of the new name and leaves INBOX empty; INBOX's children are not renamed.
     * A renamed mailbox keeps its id and UIDVALIDITY; subscriptions of renamed names follow them.
     * Throws NotFound (no source), AlreadyExists (target or a renamed child's target taken), Invalid
     * (target inside the source, or INBOX as target).
     */
    void renameMailbox(long accountId, String from, String to);

    /** Subscriptions may name mailboxes that do not exist (RFC 9051 §6.3.7). */
    void setSubscribed(long accountId, String name, boolean subscribed);

    Set<String> subscriptions(long accountId);

    MailboxStatus status(long mailboxId);

    /**
     * A mailbox looked up by name ({@link #mailbox(long, String)}) with its {@link #status(long)} and, when
     * {@code withRecent}, the number of its unclaimed \Recent messages ({@link #recent(long)}), all from
     * one snapshot: IMAP STATUS of an own mailbox in one read transaction instead of three (issue 4).
     * Empty for a name that names no mailbox. The default composes the three calls; both backends
     * override it with one read.
     */
    default Optional<NamedStatus> statusByName(long accountId, String name, boolean withRecent) {
        return mailbox(accountId, name).map(m -> new NamedStatus(m, status(m.id()),
                withRecent ? recent(m.id()).count() : 0));
    }

    /** @param unclaimedRecent 0 unless asked for */
    record NamedStatus(Mailbox mailbox, MailboxStatus status, long unclaimedRecent) {}

    QuotaUsage quota(long accountId);

    // ---- messages ----

    /**
     * Appends one message; parses it once (jotmai.message) and stores bytes, structure and metadata.
     * Throws {@link StoreException.QuotaExceeded} when the account's quota would be exceeded.
     */
    AppendResult append(long mailboxId, MessageSource source, Set<String> flags, Instant internalDate);

    /**
     * {@link #append} into the account's own mailbox {@code name}, found by name in the same write
     * (issue 4: IMAP APPEND without a read transaction before it). {@link StoreException.NotFound} when
     * the account has no such mailbox, as {@link #mailbox(long, String)} would find none.
     */
    default AppendResult appendByName(long accountId, String name, MessageSource source, Set<String> flags,
                                      Instant internalDate) {
        Mailbox m = mailbox(accountId, name).orElseThrow(() -> new StoreException.NotFound("no such mailbox"));
        return append(m.id(), source, flags, internalDate);
    }

    /**
     * Delivers one message to several mailboxes (SMTP with many local recipients) storing the bytes
     * once where the backend can. All or nothing; results in the order of {@code targets}.
     */
    List<AppendResult> deliver(MessageSource source, List<DeliveryTarget> targets, Instant internalDate);

    record DeliveryTarget(long mailboxId, Set<String> flags) {}

    /** All messages of the mailbox in UID order. */
    List<MessageMeta> messages(long mailboxId);

    /** The messages whose UIDs are in the set, in UID order. */
    List<MessageMeta> messages(long mailboxId, UidSet uids);

    /**
     * UIDs, MODSEQs and flags of all messages of the mailbox in UID order: the same messages and values
     * as {@link #messages(long)}, without the other columns, for SELECT and flag-only SEARCH on large
     * mailboxes. The default builds it from {@link #messages(long)}; backends override it with a narrow
     * read (SQLite and PostgreSQL do).
     */
    default FlagRows flagRows(long mailboxId) {
        return FlagRows.of(messages(mailboxId));
    }

    /**
     * What SELECT/EXAMINE need of the mailbox's messages: the UIDs, the first unseen UID and the
     * keywords in use, the same values as {@link #flagRows(long)} gives (RFC 9051 §6.3.2). The default
     * derives it from {@link #flagRows(long)}; a backend may answer without reading every message's flags
     * (SQLite does: issue 4, the first SELECT of a 100,000-message mailbox after a start).
     */
    default SelectState selectState(long mailboxId) {
        return SelectState.of(flagRows(mailboxId));
    }

    /**
     * {@link #flagRows(long)} restricted to the messages that have ({@code present}) or lack
     * {@code flag} (case-insensitive): "UID SEARCH UNSEEN" on 100,000 mostly read messages then reads
     * only the unread ones where the backend can filter (both backends: \Seen and \Deleted are columns).
     */
    default FlagRows flagRows(long mailboxId, String flag, boolean present) {
        return flagRows(mailboxId).filter(flag, present);
    }

    /**
     * Looks a SEARCH text key up in the backend's text index (RFC 9051 §6.4.4: case-insensitive
     * substring on decoded text; exactly what {@link TextField} describes). Empty when the index cannot
     * answer this needle (fewer than three code points, or see {@link jotmai.store.support.SearchableText})
     * or the backend has no index: then the caller scans. Messages the index does not cover yet (indexing
     * may run after the append commits) are returned as {@link TextMatches#unverified()}.
     */
    Optional<TextMatches> searchText(long mailboxId, TextField field, String needle);

    /** The parse-once structure of a stored message. */
    ParsedMessage structure(BlobRef blob);

    /**
     * The raw bytes of a message: the whole of it, or [offset, offset+length) clipped to its size.
     * Bytes of an expunged message stay readable for a backend-defined grace period (sessions that have
     * not yet seen the EXPUNGE may fetch it); then {@link StoreException.NotFound}.
     */
    InputStream openContent(BlobRef blob, long offset, long length);

    default InputStream openContent(BlobRef blob) {
        return openContent(blob, 0, Long.MAX_VALUE);
    }

    /**
     * The whole bytes of several messages read together (one read transaction where the backend can),
     * for clients that download many small messages one after the other (POP3 RETR). Meant for small
     * messages: the caller bounds the total size, which it knows from {@link MessageMeta#size()}.
     * Blobs that no longer exist are absent from the map; the others map to their complete content.
     * The default reads each through {@link #openContent(BlobRef)}.
     */
    default Map<BlobRef, byte[]> readContents(List<BlobRef> blobs) {
        Map<BlobRef, byte[]> contents = new HashMap<>();
        for (BlobRef blob : blobs) {
            try (InputStream in = openContent(blob)) {
                contents.put(blob, in.readAllBytes());
            } catch (StoreException.NotFound e) {
                // gone: absent from the map
            } catch (IOException e) {
                throw new StoreException.Unavailable("cannot read message content " + blob.id(), e);
            }
        }
        return contents;
    }

    /**
     * Records that messages were retrieved (downloaded over POP3) at {@code at}; messages that already
     * have a retrieval time keep the first one. Not a flag: no MODSEQ change and nothing an IMAP client
     * sees. Drives RFC 2449 §6.7 EXPIRE (retention counted from the first retrieval). UIDs that do not
     * exist are ignored.
     */
    void markRetrieved(long mailboxId, UidSet uids, Instant at);

    /** UID to first retrieval time (millisecond precision) of the mailbox's messages that have one. */
    Map<Long, Instant> retrievedTimes(long mailboxId);

    /**
     * Changes flags of the messages in the set. With {@code unchangedSince} (RFC 7162 STORE
     * UNCHANGEDSINCE) messages whose MODSEQ is higher are left alone and reported as modified.
     */
    FlagResult updateFlags(long mailboxId, UidSet uids, FlagOperation operation, Set<String> flags,
                           OptionalLong unchangedSince);

    /** Copies messages (in UID order) to another mailbox of the same or another account. */
    CopyResult copy(long sourceMailboxId, UidSet uids, long targetMailboxId);

    /** Moves messages atomically (RFC 6851): copies, then expunges them from the source. */
    CopyResult move(long sourceMailboxId, UidSet uids, long targetMailboxId);

    /**
     * Removes the messages flagged \Deleted, only those in {@code uids} when given (UID EXPUNGE).
     * Returns the expunged UIDs in ascending order.
     */
    List<Long> expunge(long mailboxId, Optional<UidSet> uids);

    /**
     * {@link #expunge} for a caller that has just seen a message in scope flagged \Deleted (an IMAP
     * session's view, issue 4): a backend that looks for one before it queues its write may skip that
     * look. Same result: if the flag was removed meanwhile, nothing is expunged.
     */
    default List<Long> expungeKnownDeleted(long mailboxId, Optional<UidSet> uids) {
        return expunge(mailboxId, uids);
    }

    /**
     * Changes after {@code modSeq} (exclusive); see {@link Changes}. Expunges are listed exactly when
     * {@code modSeq} is at or above the mailbox's vanished floor (the highest MODSEQ whose tombstones
     * were pruned, {@link #pruneTombstones}); below it the result says so and carries the mailbox's
     * current UIDs ({@link Changes#existing}), never a silently incomplete expunge list. One operation
     * (a STORE over many messages, an EXPUNGE, a COPY) may give all its changes the same MODSEQ.
     */
    Changes changesSince(long mailboxId, long modSeq);

    // ---- bounded expunge tombstones (see docs/ARCHITECTURE.md "Expunge tombstones") ----

    /**
     * Up to {@code limit} ids of mailboxes holding more than {@code keep} expunge tombstones (the
     * background pruner of the JDBC backends asks; one index scan of the tombstones).
     */
    List<Long> mailboxesOverTombstoneCap(int keep, int limit);

    /**
     * Deletes the oldest expunge tombstones of the mailbox beyond its newest {@code keep}, at most
     * {@code maxRows} in one short transaction, and raises the mailbox's vanished floor to the highest
     * MODSEQ deleted, in the same transaction. Returns how many were deleted (fewer than
     * {@code maxRows}: the mailbox is within the cap). Safe to run concurrently with every other
     * operation and with itself (several nodes). An unknown mailbox has nothing to prune (0).
     */
    int pruneTombstones(long mailboxId, int keep, int maxRows);

    // ---- per-user \Seen on mailboxes of other accounts (issue 7) ----
    //
    // The owner's \Seen is the message flag. Every other account ("reader") of a shared mailbox keeps
    // its own \Seen as marks; the protocol layer shows a reader the message flags without \Seen, plus
    // \Seen where the reader's mark says so. A mark change allocates a MODSEQ of the mailbox (so it
    // sorts with every other change, RFC 7162 §3.1) but leaves the message's own MODSEQ alone: other
    // users do not see it as a change. Marks go away with their message, their mailbox and the reader.

    /** The reader's marks on messages of the mailbox whose UIDs are in {@code uids}, in UID order. */
    List<SeenMark> seenMarks(long mailboxId, long readerId, UidSet uids);

    /** The reader's marks changed after {@code modSeq} (exclusive), in MODSEQ order. */
    List<SeenMark> seenChangesSince(long mailboxId, long readerId, long modSeq);

    /** How many messages of the mailbox the reader has seen (for STATUS UNSEEN). */
    long seenCount(long mailboxId, long readerId);

    /**
     * Sets ({@code seen}) or clears the reader's \Seen on the existing messages in {@code uids}; UIDs
     * without a message are ignored. Messages already in that state are left alone. With
     * {@code unchangedSince} (RFC 7162 §3.1.3) messages whose MODSEQ as the reader sees it (the larger
     * of the message's and the mark's) is higher are skipped and reported as modified. Rings the
     * mailbox when something changed. Throws {@link StoreException.NotFound} for an unknown mailbox.
     */
    SeenUpdate setSeen(long mailboxId, long readerId, UidSet uids, boolean seen, OptionalLong unchangedSince);

    /**
     * RFC 8474 §5.2 THREADID: the thread id of each message of the mailbox whose UID is in the set
     * (absent UIDs are left out). A message gets its thread id when it is stored (delivery, APPEND):
     * the thread of a message of the same account that it references (In-Reply-To, References, see
     * {@link jotmai.store.support.ThreadKeys}), else a new one; COPY and MOVE keep it. Ids are
     * positive and never name two threads.
     */
    Map<Long, Long> threadIds(long mailboxId, UidSet uids);

    /** RFC 8474 §5.3 SEARCH THREADID: the UIDs of the mailbox's messages in the thread (one indexed read). */
    UidSet threadMembers(long mailboxId, long threadId);

    /**
     * RFC 3501 \Recent: atomically claims the messages no session has seen yet. Returns the UIDs that
     * are recent for the calling session; later callers do not get them again.
     */
    UidSet claimRecent(long mailboxId);

    /**
     * {@link #claimRecent} for a caller that has just seen messages added to the mailbox (an IMAP
     * session's sync, issue 4), so that some are most likely unclaimed: a backend that checks for any
     * before it queues its write may skip that check. Same result.
     */
    default UidSet claimRecentAfterAdd(long mailboxId) {
        return claimRecent(mailboxId);
    }

    /**
     * RFC 3501 \Recent without claiming: the UIDs no session has claimed yet. For EXAMINE (RFC 3501
     * §6.3.2: the mailbox is read-only, so \Recent is not lost) and STATUS RECENT (§6.3.10), which
     * report the count but must leave the messages recent for the next SELECT.
     */
    UidSet recent(long mailboxId);

    /**
     * POP3's exclusive maildrop lock (RFC 1939 §8). Empty when another session holds it. Must hold
     * across nodes when the backend is shared.
     */
    Optional<MaildropLock> lockMaildrop(long accountId);

    interface MaildropLock extends AutoCloseable {
        @Override
        void close();
    }
}
