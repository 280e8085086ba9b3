package jotmai.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jotmai.store.BlobRef;
import jotmai.store.MailStore;
import jotmai.store.MessageMeta;

/**
 * Reads small messages ahead, in batches, for RETR/TOP. Desktop clients download the maildrop in order
 * (RETR 1, RETR 2, ...), and reading each small message on its own costs a store round trip that is
 * larger than the message; one {@link MailStore#readContents} for the next run of small messages
 * makes that cost per batch instead.
 *
 * <p>Memory is bounded per session by {@link #MAX_BATCH_OCTETS}; large messages are never read ahead
 * (they stream through {@link MailStore#openContent}). Message contents are immutable, so a cached copy
 * can never be stale; whether the message still exists is checked by the caller (ExpungeWatch).
 */
final class ContentPrefetch {

    /** Messages up to this size are read ahead; larger ones stream. */
    static final int SMALL_MESSAGE_OCTETS = 64 * 1024;
    /**
     * Bytes read ahead at most at once (and held by a session at most): 128 KB amortises the store round
     * trip over ~25 typical 5 KB messages while 1,000 downloading sessions hold at most 128 MB.
     */
    static final int MAX_BATCH_OCTETS = 128 * 1024;
    /** Messages read ahead at most at once. */
    static final int MAX_BATCH_MESSAGES = 128;

    private final MailStore mail;
    private Map<BlobRef, byte[]> batch = Map.of();

    ContentPrefetch(MailStore mail) {
        this.mail = mail;
    }

    /**
     * The whole content of message {@code number} if it is small: from the current batch, or by reading
     * a new batch that starts with it. Empty for large messages and for content that is gone (the
     * caller then falls back to streaming, which reports NotFound).
     */
    Optional<byte[]> content(Maildrop drop, int number) {
        MessageMeta wanted = drop.message(number);
        if (wanted.size() > SMALL_MESSAGE_OCTETS) {
            return Optional.empty();
        }
        byte[] cached = batch.get(wanted.blob());
        if (cached != null) {
            return Optional.of(cached);
        }
        List<BlobRef> next = new ArrayList<>();
        long octets = 0;
        for (int n = number; n <= drop.highestNumber() && next.size() < MAX_BATCH_MESSAGES; n++) {
            if (drop.isDeleted(n)) {
                continue;
            }
            MessageMeta m = drop.message(n);
            if (m.size() > SMALL_MESSAGE_OCTETS || octets + m.size() > MAX_BATCH_OCTETS) {
                break;
            }
            next.add(m.blob());
            octets += m.size();
        }
        batch = Map.of(); // let the old batch go before the new one is read
        batch = mail.readContents(next);
        return Optional.ofNullable(batch.get(wanted.blob()));
    }
}
