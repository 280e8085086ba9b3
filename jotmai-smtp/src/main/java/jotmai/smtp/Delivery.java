package jotmai.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jotmai.store.Account;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.Store;
import jotmai.store.StoreException;

/**
 * Final delivery of a received message: local recipients into their INBOX with one
 * {@link MailStore#deliver} call (the bytes stored once), external ones into the durable outbound
 * queue. Both calls are durable when they return, so the session may answer 250 afterwards.
 */
final class Delivery {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Delivery.class);

    private final Store store;
    private final Runnable onQueued;

    Delivery(Store store) {
        this(store, () -> { });
    }

    /** {@code onQueued} rings the outbound runner after each enqueue (see {@link SmtpServer}). */
    Delivery(Store store, Runnable onQueued) {
        this.store = store;
        this.onQueued = onQueued;
    }

    /** The message is durable already; a failing notification only delays it to the runner's next poll. */
    private void queued() {
        try {
            onQueued.run();
        } catch (RuntimeException e) {
            log.warn("could not wake the outbound queue runner: {}", e.toString());
        }
    }

    /** SMTP: all recipients or none (one reply for the whole message, RFC 5321 §4.1.1.4). */
    void deliverAll(Transaction tx, StagedMessage staged, Instant now) {
        Map<Long, Account> local = new LinkedHashMap<>();
        Map<String, QueueStore.QueuedRecipient> external = new LinkedHashMap<>();
        for (Transaction.Recipient r : tx.recipients) {
            switch (r.decision()) {
                case RecipientPolicy.Decision.Local l -> {
                    l.resolution().local().forEach(a -> local.putIfAbsent(a.id(), a));
                    l.resolution().external().forEach(x ->
                            external.putIfAbsent(x, new QueueStore.QueuedRecipient(x, r.notifyOn(), r.orcpt())));
                }
                case RecipientPolicy.Decision.Relay relay -> external.putIfAbsent(relay.address(),
                        new QueueStore.QueuedRecipient(relay.address(), r.notifyOn(), r.orcpt()));
            }
        }
        // The queue reads the staged file first: a backend may move the file when delivering locally.
        if (!external.isEmpty()) {
            store.queue().enqueue(tx.from.map(MailAddress::wire).orElse(""), List.copyOf(external.values()),
                    staged.forQueue(), new QueueStore.DsnRequest(tx.ret, tx.envid, tx.smtputf8, tx.eightBitMime));
            queued();
        }
        if (!local.isEmpty()) {
            List<MailStore.DeliveryTarget> targets = new ArrayList<>();
            for (Account a : local.values()) {
                targets.add(new MailStore.DeliveryTarget(inbox(a), Set.of()));
            }
            store.mail().deliver(staged.forMailbox(), targets, now);
        }
    }

    /** LMTP (RFC 2033 §4.2): one reply per accepted recipient, in RCPT order. */
    List<SmtpReply> deliverEach(Transaction tx, StagedMessage staged, Instant now) {
        List<SmtpReply> replies = new ArrayList<>();
        MessageSource shared = withoutFile(staged.forMailbox());
        for (Transaction.Recipient r : tx.recipients) {
            try {
                if (r.decision() instanceof RecipientPolicy.Decision.Local l) {
                    List<MailStore.DeliveryTarget> targets = new ArrayList<>();
                    for (Account a : l.resolution().local()) {
                        targets.add(new MailStore.DeliveryTarget(inbox(a), Set.of()));
                    }
                    if (!targets.isEmpty()) {
                        store.mail().deliver(shared, targets, now);
                    }
                    if (!l.resolution().external().isEmpty()) {
                        List<QueueStore.QueuedRecipient> ext = l.resolution().external().stream()
                                .map(x -> new QueueStore.QueuedRecipient(x, r.notifyOn(), r.orcpt())).toList();
                        store.queue().enqueue(tx.from.map(MailAddress::wire).orElse(""), ext, staged.forQueue(),
                                new QueueStore.DsnRequest(tx.ret, tx.envid, tx.smtputf8, tx.eightBitMime));
                        queued();
                    }
                }
                replies.add(new SmtpReply(250, "2.0.0", "Delivered"));
            } catch (StoreException e) {
                replies.add(map(e));
            }
        }
        return replies;
    }

    private long inbox(Account account) {
        return store.mail().mailbox(account.id(), Mailbox.INBOX).map(Mailbox::id)
                .orElseThrow(() -> new StoreException.NotFound("no INBOX for account " + account.id()));
    }

    /** The one mapping of store failures to SMTP replies (STYLE.md principle 9). */
    static SmtpReply map(StoreException e) {
        return switch (e) {
            case StoreException.QuotaExceeded q -> q.messageTooLargeAlone()
                    ? new SmtpReply(552, "5.2.2", "Mailbox full: message larger than the quota")
                    : new SmtpReply(452, "4.2.2", "Mailbox full, try again later");
            case StoreException.Invalid i -> new SmtpReply(554, "5.6.0", "Message content rejected");
            case StoreException.Unavailable u -> SmtpReply.temporaryFailure();
            case StoreException.NotFound n -> SmtpReply.temporaryFailure();
            case StoreException.AlreadyExists a -> SmtpReply.temporaryFailure();
            case StoreException.Conflict c -> SmtpReply.temporaryFailure();
        };
    }

    private static MessageSource withoutFile(MessageSource source) {
        return new MessageSource() {
            @Override
            public InputStream open() throws IOException {
                return source.open();
            }

            @Override
            public long size() {
                return source.size();
            }
        };
    }
}
