package jotmai.store;

import java.util.Optional;

/**
 * A mailbox of one account. Names are hierarchical with {@link #DELIMITER}; "INBOX" is
 * case-insensitive and always stored as "INBOX" (RFC 9051 §5.1).
 *
 * @param uidValidity stays the same as long as UIDs are not reused (RFC 9051 §2.3.1.1)
 * @param uidNext     the UID the next appended message will get
 */
public record Mailbox(
        long id,
        long accountId,
        String name,
        Optional<SpecialUse> specialUse,
        long uidValidity,
        long uidNext,
        long highestModSeq,
        boolean subscribed) {

    public static final char DELIMITER = '/';
    public static final String INBOX = "INBOX";
}
