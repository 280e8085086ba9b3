package jotmai.store;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Bulk import into an empty or partly filled store (issue 8 "Migration"): writes mailboxes and
 * messages with identifiers taken from another store, so IMAP clients need not resync
 * (RFC 9051 §2.3.1.1: a mailbox keeps its UIDVALIDITY and every message its UID). Not for protocol
 * sessions: quotas are not enforced, because the source already accepted the messages.
 */
public interface StoreImport {

    /**
     * Creates the mailbox when missing, then gives it the source's UIDVALIDITY, a UIDNEXT of at least
     * {@code uidNext} and a HIGHESTMODSEQ of at least {@code highestModSeq}. Throws
     * {@link StoreException.Conflict} when the mailbox already holds messages under another UIDVALIDITY
     * (changing it would make clients' cached UIDs wrong without telling them).
     */
    Mailbox adoptMailbox(long accountId, String name, Optional<SpecialUse> specialUse, long uidValidity,
                         long uidNext, long highestModSeq);

    /**
     * Stores one message under the given UID (not allocated; UIDNEXT is raised past it) with a MODSEQ
     * allocated as for an append. {@code recent} says whether the message is still unclaimed \Recent
     * (RFC 3501 §2.3.2) in the source: a message some session already saw must not turn recent again
     * in the target. Throws {@link StoreException.AlreadyExists} when the UID is taken.
     */
    MessageMeta importMessage(long mailboxId, long uid, MessageSource source, Set<String> flags,
                              Instant internalDate, boolean recent);
}
