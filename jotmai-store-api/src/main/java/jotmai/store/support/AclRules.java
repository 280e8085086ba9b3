package jotmai.store.support;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jotmai.store.AclStore;
import jotmai.store.AclStore.SharedMailbox;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.StoreException;

/**
 * The backend-neutral rules of {@link AclStore} (RFC 4314), so that SQLite and PostgreSQL keep only
 * their SQL: how an identifier is stored, who may not be granted rights, and how {@code sharedWith}
 * merges a user's entries per mailbox and orders the answer.
 */
public final class AclRules {

    private AclRules() {}

    /** The stored form of an identifier: "anyone" or a valid lower-case address ({@code Invalid} otherwise). */
    public static String identifier(String identifier) {
        String key = AddressNames.lookupKey(identifier);
        return key.equals(AclStore.ANYONE) ? AclStore.ANYONE : AddressNames.address(key);
    }

    /** The owner always has all rights and is never listed in the ACL ({@link AclStore#setRights}). */
    public static void checkGrantee(long ownerAccountId, long granteeAccountId) {
        if (ownerAccountId == granteeAccountId) {
            throw new StoreException.Invalid("the owner always has all rights");
        }
    }

    /** How a backend looks a mailbox up by id inside its read (its SQL may fail). */
    @FunctionalInterface
    public interface MailboxLookup {
        Optional<Mailbox> byId(long mailboxId) throws SQLException;
    }

    /**
     * Collects the ACL rows that give a user rights on other accounts' mailboxes (an own entry and an
     * "anyone" entry may both match one mailbox) and turns them into {@code sharedWith}'s answer.
     */
    public static final class SharedRows {
        private record Row(long mailboxId, String owner, Rights rights) {}

        private final Map<Long, Row> rows = new LinkedHashMap<>();

        public void add(long mailboxId, String ownerAddress, String letters) {
            rows.merge(mailboxId, new Row(mailboxId, ownerAddress, Rights.of(letters)),
                    (x, y) -> new Row(x.mailboxId(), x.owner(), x.rights().plus(y.rights())));
        }

        /** Mailboxes that still exist, by owner address, then name. */
        public List<SharedMailbox> resolve(MailboxLookup mailboxes) throws SQLException {
            List<SharedMailbox> shared = new ArrayList<>();
            for (Row row : rows.values()) {
                Optional<Mailbox> m = mailboxes.byId(row.mailboxId());
                if (m.isPresent()) {
                    shared.add(new SharedMailbox(m.get(), row.owner(), row.rights()));
                }
            }
            shared.sort(Comparator.comparing(SharedMailbox::ownerAddress).thenComparing(s -> s.mailbox().name()));
            return shared;
        }
    }
}
