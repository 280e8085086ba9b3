package jotmai.store.support;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ObjLongConsumer;

import jotmai.store.ChangeBus;

/**
 * The in-process half of a {@link ChangeBus}: which listeners wait on which mailbox, and ringing them.
 * Every backend needs this registry (the embedded one only this; a clustered one adds the network on
 * top), so it lives here once. Listeners must only enqueue a wake-up; one that throws is handed to the
 * failure handler (the backend logs it) and the others still run.
 */
public final class LocalSubscribers {

    private final Map<Long, List<Runnable>> listeners = new ConcurrentHashMap<>();
    private final ObjLongConsumer<RuntimeException> onListenerFailure;

    /** @param onListenerFailure called with the exception and the mailbox id when a listener throws */
    public LocalSubscribers(ObjLongConsumer<RuntimeException> onListenerFailure) {
        this.onListenerFailure = onListenerFailure;
    }

    /** Adds {@code listener} for {@code mailboxId}; closing the subscription removes it again. */
    public ChangeBus.Subscription subscribe(long mailboxId, Runnable listener) {
        listeners.computeIfAbsent(mailboxId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(mailboxId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Runs every listener of {@code mailboxId} on the calling thread. */
    public void ring(long mailboxId) {
        List<Runnable> list = listeners.get(mailboxId);
        if (list == null) {
            return;
        }
        for (Runnable listener : list) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                onListenerFailure.accept(e, mailboxId);
            }
        }
    }

    /** A snapshot of the mailboxes that have at least one listener. */
    public Set<Long> subscribedMailboxes() {
        return Set.copyOf(listeners.keySet());
    }
}
