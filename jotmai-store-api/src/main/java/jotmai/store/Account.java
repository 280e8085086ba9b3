package jotmai.store;

import java.time.Instant;

/**
 * A hosted user.
 *
 * @param address      the login and primary address, lower-case, e.g. "alice@example.com"
 * @param passwordHash in the scheme-prefixed form of jotmai.shared.auth (e.g. "{ARGON2ID}$argon2id$...")
 * @param quotaBytes    storage quota; 0 means unlimited
 * @param quotaMessages most messages the account may hold (RFC 9208 §5.2 MESSAGE); 0 means unlimited
 */
public record Account(long id, String address, String passwordHash, long quotaBytes, long quotaMessages,
                      Instant created) {

    /** An account without a message-count limit. */
    public Account(long id, String address, String passwordHash, long quotaBytes, Instant created) {
        this(id, address, passwordHash, quotaBytes, 0, created);
    }

    public String localPart() {
        return address.substring(0, address.lastIndexOf('@'));
    }

    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
