package jotmai.store.sqlite;

import java.util.List;
import java.util.Map;

import jotmai.store.ChangeBus;
import jotmai.store.MetadataStore;
import jotmai.store.support.MetadataRows;

/** RFC 5464 annotations in the {@code metadata} table; reads on the reader pool, writes by group commit. */
final class SqliteMetadataStore implements MetadataStore {
    private final Database db;
    private final GroupCommitWriter writer;

    SqliteMetadataStore(Database db, GroupCommitWriter writer) {
        this.db = db;
        this.writer = writer;
    }

    @Override
    public List<Entry> entries(long accountId, long mailboxId) {
        return db.read(c -> {
            long owner = mailboxId == SERVER ? SERVER
                    : MailboxRows.byId(c, mailboxId).map(m -> m.accountId()).orElse(-1L);
            return owner < 0 ? List.<Entry>of() : MetadataRows.entries(c, accountId, mailboxId, owner);
        });
    }

    @Override
    public SetResult set(long accountId, long mailboxId, Map<String, byte[]> changes, Limits limits) {
        return writer.write(tx -> {
            long owner = mailboxId == SERVER ? SERVER : MailboxRows.require(tx.c(), mailboxId).accountId();
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
