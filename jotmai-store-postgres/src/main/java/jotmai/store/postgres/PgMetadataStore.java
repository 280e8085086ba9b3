package jotmai.store.postgres;

import java.util.List;
import java.util.Map;

import jotmai.store.ChangeBus;
import jotmai.store.MetadataStore;
import jotmai.store.support.MetadataRows;

/**
 * RFC 5464 annotations in {@code metadata}. A mailbox's owner comes from its id ({@link MailboxIds});
 * writes lock the mailbox row so a concurrent DELETE cannot leave orphans, and the per-owner limit
 * check runs under the owner's account lock so two sessions cannot both pass it.
 */
final class PgMetadataStore implements MetadataStore {
    private final Db db;

    PgMetadataStore(Db db) {
        this.db = db;
    }

    @Override
    public List<Entry> entries(long accountId, long mailboxId) {
        long owner = mailboxId == SERVER ? SERVER : MailboxIds.accountOf(mailboxId);
        return db.read(c -> MetadataRows.entries(c, accountId, mailboxId, owner));
    }

    @Override
    public SetResult set(long accountId, long mailboxId, Map<String, byte[]> changes, Limits limits) {
        return db.tx(tx -> {
            // accounts before the mailbox, lower id first: the order the other writers use
            long owner = mailboxId == SERVER ? SERVER : MailboxIds.accountOf(mailboxId);
            if (owner != SERVER && owner < accountId) {
                AccountRows.lock(tx.c(), owner);
            }
            AccountRows.lock(tx.c(), accountId);
            if (owner != SERVER && owner > accountId) {
                AccountRows.lock(tx.c(), owner);
            }
            if (mailboxId != SERVER) {
                MailboxRows.lock(tx.c(), mailboxId); // NotFound for a deleted mailbox
            }
            SetResult r = MetadataRows.set(tx.c(), accountId, mailboxId, owner, changes, limits);
            // RFC 5465 §5.6-5.7 (NOTIFY metadata events): the setter's and the owner's list keys ring
            tx.ring(ChangeBus.mailboxListKey(accountId));
            if (owner != SERVER && owner != accountId) {
                tx.ring(ChangeBus.mailboxListKey(owner));
            }
            return r;
        });
    }
}
