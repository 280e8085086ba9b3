package jotmai.store.sqlite;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ChangeBus;

/**
 * The embedded change bus: a map from mailbox id to listeners, rung by the writer thread after each
 * commit. Listeners must only enqueue a wake-up; one that throws is logged and the others still run.
 */
final class InJvmChangeBus implements ChangeBus {
    private static final Logger log = LoggerFactory.getLogger(InJvmChangeBus.class);

    private final Map<Long, List<Runnable>> listeners = new ConcurrentHashMap<>();

    @Override
    public Subscription subscribe(long mailboxId, Runnable listener) {
        listeners.computeIfAbsent(mailboxId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(mailboxId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    @Override
    public void ring(long mailboxId) {
        List<Runnable> list = listeners.get(mailboxId);
        if (list == null) {
            return;
        }
        for (Runnable listener : list) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.warn("change listener of mailbox {} failed", mailboxId, e);
            }
        }
    }
}
