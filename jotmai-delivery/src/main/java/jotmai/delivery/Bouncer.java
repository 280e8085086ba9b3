package jotmai.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.Account;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.QueueStore.QueuedMessage;
import jotmai.store.RecipientResolver;
import jotmai.store.Store;

/**
 * Sends DSNs to the envelope sender: into the INBOX of a local sender (MailStore.deliver, resolved
 * with RecipientResolver), through the queue with the null sender for an external one. Never for the
 * null sender (RFC 5321 §4.5.5), so a bounce can not bounce.
 */
final class Bouncer {
    private static final Logger log = LoggerFactory.getLogger(Bouncer.class);

    /** Most bytes of the original read for a RET=FULL bounce; beyond that only headers are returned. */
    static final int MAX_RETURNED = 10 * 1024 * 1024;

    private final Store store;
    private final String reportingMta;

    Bouncer(Store store, String reportingMta) {
        this.store = store;
        this.reportingMta = reportingMta;
    }

    void send(QueuedMessage message, List<Dsn.Entry> entries, Dsn.Action action, Instant now, Instant retryUntil) {
        String sender = message.envelopeFrom();
        if (sender.isEmpty() || entries.isEmpty()) {
            return;
        }
        byte[] original;
        try (InputStream in = store.queue().open(message.id())) {
            original = in.readNBytes(MAX_RETURNED);
        } catch (IOException e) {
            original = new byte[0];
        }
        byte[] dsn = Dsn.build(reportingMta, message, entries, action, original, now, retryUntil);
        int at = sender.lastIndexOf('@');
        String domain = at < 0 ? "" : sender.substring(at + 1).toLowerCase(Locale.ROOT);
        if (!domain.isEmpty() && store.accounts().isHostedDomain(domain)) {
            Optional<RecipientResolver.Resolution> r = new RecipientResolver(store.accounts()).resolve(sender);
            if (r.isEmpty()) {
                log.warn("queue {}: no local mailbox for bounce recipient {}, DSN dropped", message.id(), sender);
                return;
            }
            List<MailStore.DeliveryTarget> targets = new ArrayList<>();
            for (Account a : r.get().local()) {
                store.mail().mailbox(a.id(), Mailbox.INBOX)
                        .ifPresent(m -> targets.add(new MailStore.DeliveryTarget(m.id(), Set.of())));
            }
            if (!targets.isEmpty()) {
                store.mail().deliver(MessageSource.ofBytes(dsn), targets, now);
            }
            List<QueueStore.QueuedRecipient> external = r.get().external().stream()
                    .map(a -> new QueueStore.QueuedRecipient(a, "", "")).toList();
            if (!external.isEmpty()) {
                store.queue().enqueue("", external, MessageSource.ofBytes(dsn),
                        new QueueStore.DsnRequest("", "", false, false));
            }
        } else {
            store.queue().enqueue("", List.of(new QueueStore.QueuedRecipient(sender, "", "")),
                    MessageSource.ofBytes(dsn), new QueueStore.DsnRequest("", "", false, false));
        }
        log.info("queue {}: {} DSN for {} recipient(s) sent to {}", message.id(),
                action.name().toLowerCase(Locale.ROOT), entries.size(), sender);
    }
}
