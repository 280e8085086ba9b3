package jotmai.pop3;

import java.util.HashSet;
import java.util.Set;

import jotmai.store.ChangeBus;
import jotmai.store.Changes;
import jotmai.store.MailStore;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * Knows which messages of the maildrop other sessions (IMAP, another node) expunged since the snapshot,
 * so that RETR/TOP of such a message fails cleanly. The change bus only rings (STYLE §2.3); on the next
 * RETR after a ring we pull {@link MailStore#changesSince} once, so an undisturbed session costs no
 * store query per message.
 *
 * <p>The listener runs on the ringing thread and only sets a flag (never touches the client).
 */
final class ExpungeWatch implements AutoCloseable {

    private final MailStore mail;
    private final long mailboxId;
    private final ChangeBus.Subscription subscription;
    private final Set<Long> expunged = new HashSet<>();
    private volatile boolean rang;
    private volatile boolean everRang;
    private long modSeq;
    private long snapshotModSeq;
    /** The maildrop's UIDs when a pull fell below the vanished floor, else null. */
    private UidSet present;

    /**
     * Subscribe before reading {@code sinceModSeq} and the message list: every change after that
     * MODSEQ then either rings or is already included.
     */
    static ExpungeWatch subscribe(MailStore mail, ChangeBus bus, long mailboxId) {
        return new ExpungeWatch(mail, bus, mailboxId);
    }

    private ExpungeWatch(MailStore mail, ChangeBus bus, long mailboxId) {
        this.mail = mail;
        this.mailboxId = mailboxId;
        this.subscription = bus.subscribe(mailboxId, () -> {
            everRang = true;
            rang = true;
        });
    }

    /** The MODSEQ the snapshot was taken at; changes after it are what we look at. */
    void startAt(long snapshotModSeq) {
        this.modSeq = snapshotModSeq;
        this.snapshotModSeq = snapshotModSeq;
    }

    boolean isExpunged(long uid) {
        if (rang) {
            rang = false;
            Changes changes = mail.changesSince(mailboxId, modSeq);
            for (StoreChange change : changes.changes()) {
                if (change instanceof StoreChange.Expunged e) {
                    expunged.add(e.uid());
                }
            }
            // tombstones pruned since the snapshot (a session open across many expunges): the UIDs
            // that still exist decide; UIDs are never reused, so a missing one stays missing
            changes.existing().ifPresent(e -> present = e.uids());
            modSeq = Math.max(modSeq, changes.highestModSeq());
        }
        return expunged.contains(uid) || (present != null && !present.contains(uid));
    }

    /**
     * Whether anything in the mailbox changed since the snapshot (flags, expunges, new mail). When not,
     * flags in the snapshot are still the stored ones. A ring may still be on its way when this is
     * asked (backends ring after commit, from their own thread; another node's ring comes later still),
     * so without a ring the mailbox's stored HIGHESTMODSEQ decides: one row read, once per QUIT.
     */
    boolean changedSinceSnapshot() {
        return everRang || mail.mailbox(mailboxId).map(m -> m.highestModSeq() != snapshotModSeq).orElse(true);
    }

    @Override
    public void close() {
        subscription.close();
    }
}
