package jotmai.store.postgres;

import jotmai.store.support.AddressNames;

/**
 * The PostgreSQL-only part of name handling: lookup keys safe to bind as text. Validation and the stored
 * spelling of domains, addresses and mailbox names are shared with the embedded backend, in
 * {@link AddressNames} and {@link jotmai.store.support.MailboxNames}.
 */
final class Names {

    private Names() {}

    /**
     * {@link AddressNames#lookupKey}, and a lookup key need not be valid. NUL cannot be stored in
     * PostgreSQL text, and would fail the query; no stored name contains one (validation refuses it), so
     * it becomes a character that matches nothing.
     */
    static String key(String s) {
        return AddressNames.lookupKey(s).replace('\u0000', '\uFFFD');
    }
}
