package jotmai.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jotmai.store.QueueStore.QueuedMessage;
import jotmai.store.QueueStore.RecipientState;
import jotmai.store.QueueStore.RecipientStatus;
import jotmai.store.Store;

/**
 * What happens to a message when every destination domain of one run is done: recipients that failed
 * in this run get one DSN (RFC 3464), then the message is removed (nothing open) or rescheduled with
 * the backoff schedule, expired after maxAge, with one delay warning after delayWarning.
 */
final class Finisher {
    private final DeliveryConfig config;
    private final Store store;
    private final Bouncer bouncer;
    private final Clock clock;

    Finisher(DeliveryConfig config, Store store, Bouncer bouncer, Clock clock) {
        this.config = config;
        this.store = store;
        this.bouncer = bouncer;
        this.clock = clock;
    }

    void finish(QueuedMessage before, List<Dsn.Entry> failedNow) {
        var current = store.queue().find(before.id());
        if (current.isEmpty()) {
            return; // removed by an operator meanwhile
        }
        QueuedMessage m = current.get();
        Instant now = clock.instant();
        List<RecipientState> open = m.openRecipients();
        List<Dsn.Entry> failed = new ArrayList<>(failedNow);
        Duration age = Duration.between(m.createdAt(), now);
        if (!open.isEmpty() && age.compareTo(config.maxAge()) >= 0) {
            for (RecipientState r : open) {
                String reply = "4.4.7 message expired after " + config.maxAge().toHours() + " h; last reply: "
                        + r.lastReply();
                store.queue().recordOutcome(m.id(), r.position(), RecipientStatus.FAILED, reply, now);
                failed.add(new Dsn.Entry(r.address(), r.orcpt(), reply, ""));
            }
            open = List.of();
        }
        List<Dsn.Entry> notify = failed.stream().filter(e -> wantsNotice(m, e.address(), Dsn.Action.FAILED)).toList();
        bouncer.send(m, notify, Dsn.Action.FAILED, now, m.createdAt().plus(config.maxAge()));
        if (open.isEmpty()) {
            store.queue().remove(m.id());
            return;
        }
        if (!config.delayWarning().isZero() && !m.delayWarned() && age.compareTo(config.delayWarning()) >= 0) {
            List<Dsn.Entry> delayed = open.stream()
                    .filter(r -> wantsNotice(m, r.address(), Dsn.Action.DELAYED))
                    .map(r -> new Dsn.Entry(r.address(), r.orcpt(), r.lastReply(), "")).toList();
            bouncer.send(m, delayed, Dsn.Action.DELAYED, now, m.createdAt().plus(config.maxAge()));
            store.queue().markDelayWarned(m.id());
        }
        int attempts = open.stream().mapToInt(RecipientState::attempts).max().orElse(1);
        store.queue().reschedule(m.id(), now.plus(config.retryDelay(attempts)));
    }

    private static boolean wantsNotice(QueuedMessage m, String address, Dsn.Action action) {
        return m.recipients().stream().filter(r -> r.address().equals(address)).findFirst()
                .map(r -> Dsn.wanted(r.notifyOn(), action)).orElse(true);
    }
}
