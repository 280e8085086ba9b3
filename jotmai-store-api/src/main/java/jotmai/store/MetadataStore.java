package jotmai.store;

import java.util.List;
import java.util.Map;

/**
 * Server and mailbox annotations of RFC 5464 (IMAP METADATA): small named values clients keep on the
 * server so every device sees them (settings, signatures, small address books).
 *
 * <p>Entry names are stored lower-case (RFC 5464 §3.2: case-insensitive) and begin with
 * {@code /private/} or {@code /shared/}. A {@code /private} entry belongs to the user who set it, even on
 * another user's shared mailbox; a {@code /shared} entry of a mailbox belongs to the mailbox's owner;
 * {@code /shared} server entries belong to no account (administrators set them). Limits count per
 * owning account. Entries go away with their mailbox (DELETE) and their account; RENAME keeps them (the
 * mailbox keeps its id).
 */
public interface MetadataStore {

    /** The "mailbox id" of server entries (RFC 5464 §3.1: the empty mailbox name). */
    long SERVER = 0;

    String PRIVATE = "/private/";
    String SHARED = "/shared/";

    /** One entry: lower-case name and value (any octets, RFC 5464 §5 allows literal8). */
    record Entry(String name, byte[] value) {}

    /** Per owning account: at most this many entries and value octets in total. */
    record Limits(int maxEntries, long maxTotalBytes) {}

    enum SetResult {
        DONE,
        /** RFC 5464 §4.3 [METADATA TOOMANY]: the owner would have more than maxEntries. */
        TOO_MANY,
        /** The owner's values would exceed maxTotalBytes. */
        TOO_LARGE
    }

    /**
     * The entries {@code accountId} sees on a mailbox (or {@link #SERVER}): its own {@code /private}
     * entries and the {@code /shared} ones, ordered by name.
     */
    List<Entry> entries(long accountId, long mailboxId);

    /**
     * Sets (non-null value) or removes (null value) entries in one transaction, all or nothing: nothing
     * changes when a limit would be exceeded. Names must be lower-case and start with
     * {@link #PRIVATE} or {@link #SHARED}, else {@link StoreException.Invalid}.
     *
     * @throws StoreException.NotFound when the mailbox does not exist
     */
    SetResult set(long accountId, long mailboxId, Map<String, byte[]> changes, Limits limits);
}
