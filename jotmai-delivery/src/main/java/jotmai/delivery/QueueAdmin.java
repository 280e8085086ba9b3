package jotmai.delivery;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jotmai.store.QueueStore;
import jotmai.store.QueueStore.QueuedMessage;
import jotmai.store.QueueStore.RecipientState;

/**
 * Operator commands on the queue for the CLI ({@code jotmai queue list|show|retry|delete|flush}); they
 * work on an opened store, with or without the server running (a running runner picks up a retried
 * message at its next poll).
 */
public final class QueueAdmin {

    private QueueAdmin() {}

    /** One line per message: id, next attempt, size, sender, open/total recipients. Returns the count. */
    public static int list(QueueStore queue, int limit, PrintStream out) {
        List<QueuedMessage> messages = queue.list(limit);
        for (QueuedMessage m : messages) {
            out.printf("%s  next=%s  size=%d  from=<%s>  open=%d/%d%s%n", m.id(), m.nextAttemptAt(), m.size(),
                    m.envelopeFrom(), m.openRecipients().size(), m.recipients().size(),
                    m.delayWarned() ? "  delay-warned" : "");
        }
        return messages.size();
    }

    /** The message's envelope and every recipient with status, attempts and last reply. */
    public static boolean show(QueueStore queue, String id, PrintStream out) {
        Optional<QueuedMessage> found = queue.find(id);
        if (found.isEmpty()) {
            return false;
        }
        QueuedMessage m = found.get();
        out.printf("id: %s%nfrom: <%s>%nsize: %d%ncreated: %s%nnext attempt: %s%nret: %s  envid: %s  smtputf8: %s%n",
                m.id(), m.envelopeFrom(), m.size(), m.createdAt(), m.nextAttemptAt(), m.dsn().ret(), m.dsn().envid(),
                m.dsn().smtputf8());
        for (RecipientState r : m.recipients()) {
            out.printf("  <%s>  %s  attempts=%d%s  %s%n", r.address(), r.status().name().toLowerCase(),
                    r.attempts(), r.lastAttemptAt().map(t -> "  last=" + t).orElse(""), r.lastReply());
        }
        return true;
    }

    /** Makes the message due now. */
    public static boolean retry(QueueStore queue, String id) {
        if (queue.find(id).isEmpty()) {
            return false;
        }
        queue.reschedule(id, Instant.now());
        return true;
    }

    /** Removes the message without a bounce. */
    public static boolean delete(QueueStore queue, String id) {
        return queue.remove(id);
    }

    /** Makes every message due now; returns how many. */
    public static int flush(QueueStore queue) {
        int n = 0;
        for (QueuedMessage m : queue.list(Integer.MAX_VALUE)) {
            queue.reschedule(m.id(), Instant.now());
            n++;
        }
        return n;
    }
}
