package jotmai.store;

/**
 * An opened store: the one object a backend hands to the server. Closing it waits for in-flight
 * writes and releases files and connections.
 */
public interface Store extends AutoCloseable {
    AccountStore accounts();

    MailStore mail();

    QueueStore queue();

    ChangeBus changes();

    /** Access control lists of mailboxes shared with other users (RFC 4314, issue 7). */
    AclStore acl();

    /** Server and mailbox annotations (RFC 5464 METADATA, issue 7). */
    MetadataStore metadata();

    /**
     * Authentication failure counters and bans: per process for an embedded store, shared by every
     * node for a database server (issue 8).
     */
    ThrottleStore throttle();

    /**
     * Writing with identifiers taken from another store, for {@code jotmai migrate} (issue 8); empty
     * when the backend cannot be a migration target.
     */
    default java.util.Optional<StoreImport> importer() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
