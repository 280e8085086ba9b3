package jotmai.store;

import java.time.Instant;
import java.util.Set;

/**
 * One message in one mailbox, without its bytes.
 *
 * @param flags      system flags in canonical form ("\Seen", "\Answered", "\Flagged", "\Deleted",
 *                   "\Draft") and keywords as given; never "\Recent" (that is per session)
 * @param internalDate IMAP INTERNALDATE (RFC 9051 §2.3.3)
 * @param saveDate   when the message was stored in this mailbox (RFC 8514 SAVEDATE)
 * @param size       octets of the raw message (RFC822.SIZE, POP3 sizes)
 */
public record MessageMeta(
        long mailboxId,
        long uid,
        long modSeq,
        Set<String> flags,
        Instant internalDate,
        Instant saveDate,
        long size,
        BlobRef blob) {

    public boolean hasFlag(String flag) {
        for (String f : flags) {
            if (f.equalsIgnoreCase(flag)) {
                return true;
            }
        }
        return false;
    }
}
