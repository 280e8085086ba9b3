/**
 * The protocol-neutral store API: model records, {@link jotmai.store.MailStore},
 * {@link jotmai.store.AccountStore}, {@link jotmai.store.QueueStore}, the {@link jotmai.store.ChangeBus}
 * and the sealed {@link jotmai.store.StoreException} family.
 *
 * <p>Backends (SQLite, PostgreSQL) implement it and prove equal semantics by running the contract suite
 * in jotmai-store-contract. Protocols (SMTP, IMAP, POP3) depend on this package only, never on a backend.
 * Methods return records, lists and {@link java.util.Optional}; never null.
 */
package jotmai.store;
