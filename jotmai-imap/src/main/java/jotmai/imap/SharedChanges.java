package jotmai.imap;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import jotmai.store.Changes;
import jotmai.store.MailStore;
import jotmai.store.UidSet;

/**
 * Shares the store work of IDLE wake-ups between the sessions of one server (issue 4, IDLE fan-out).
 * One delivery to a mailbox with a thousand idlers would otherwise cost a thousand identical
 * {@code changesSince} reads and a thousand \Recent claims on the single SQLite writer.
 *
 * <p>Reads: single flight per mailbox. A session woken by the change bus at time {@code t} may take
 * the result of a query for the same (mailbox, MODSEQ) that <em>started</em> at or after {@code t}:
 * the bus rings only after the commit, so such a query's snapshot contains the change that woke the
 * session. Anything committed later rings again. Sessions with another MODSEQ query on their own.
 *
 * <p>\Recent (RFC 3501 §2.3.2): a claim takes every message not yet claimed that is committed when it
 * runs. If a claim of the same mailbox was submitted after the session's query started, the messages
 * that query found were already claimed by that session, so this one would get nothing: it is
 * skipped. Only IDLE wake-ups use this class; tagged responses query the store directly.
 */
final class SharedChanges {
    /** Mailboxes remembered at once; the map is cleared beyond this (it only costs sharing). */
    static final int MAX_MAILBOXES = 50_000;

    record Result(Changes changes, long startedNanos) {}

    private record Flight(long modSeq, long startedNanos, CompletableFuture<Changes> result) {}

    private final MailStore mail;
    private final Map<Long, Flight> flights = new ConcurrentHashMap<>();
    private final Map<Long, Long> lastClaimNanos = new ConcurrentHashMap<>();

    SharedChanges(MailStore mail) {
        this.mail = mail;
    }

    /** The changes after {@code modSeq}, from a query that started no earlier than {@code notBeforeNanos}. */
    Result changesSince(long mailboxId, long modSeq, long notBeforeNanos) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Flight seen = flights.get(mailboxId);
            if (seen != null && seen.modSeq() == modSeq && seen.startedNanos() - notBeforeNanos >= 0) {
                return new Result(join(seen.result()), seen.startedNanos());
            }
            Flight mine = new Flight(modSeq, System.nanoTime(), new CompletableFuture<>());
            boolean installed = seen == null ? flights.putIfAbsent(mailboxId, mine) == null
                    : flights.replace(mailboxId, seen, mine);
            if (installed) {
                if (flights.size() > MAX_MAILBOXES) {
                    flights.clear();
                }
                return new Result(run(mailboxId, modSeq, mine.result()), mine.startedNanos());
            }
        }
        // lost the race repeatedly: query alone
        long started = System.nanoTime();
        return new Result(mail.changesSince(mailboxId, modSeq), started);
    }

    /**
     * Claims \Recent unless a claim submitted after {@code queryStartedNanos} already took those
     * messages. The submission time is recorded <em>before</em> the claim runs: a claim takes every
     * unclaimed message committed when it executes, so one that was merely submitted after this
     * session's query started covers what the query found, even while it is still waiting for the
     * writer. Recording it only after completion let every idler of a mailbox pass the check while the
     * first claim was in flight: a thousand claim writes per delivery instead of one.
     */
    UidSet claimRecent(long mailboxId, long queryStartedNanos) {
        boolean[] mine = {false};
        lastClaimNanos.compute(mailboxId, (id, last) -> {
            if (last != null && last - queryStartedNanos >= 0) {
                return last;
            }
            mine[0] = true;
            return System.nanoTime();
        });
        if (!mine[0]) {
            return UidSet.EMPTY;
        }
        if (lastClaimNanos.size() > MAX_MAILBOXES) {
            lastClaimNanos.clear();
        }
        return mail.claimRecent(mailboxId);
    }

    private Changes run(long mailboxId, long modSeq, CompletableFuture<Changes> result) {
        try {
            Changes c = mail.changesSince(mailboxId, modSeq);
            result.complete(c);
            return c;
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
            throw e;
        }
    }

    private static Changes join(CompletableFuture<Changes> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }
}
