package jotmai.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.QueueStore.QueuedMessage;
import jotmai.store.QueueStore.RecipientState;
import jotmai.store.QueueStore.RecipientStatus;
import jotmai.store.Store;

/**
 * Takes due messages out of the queue and delivers them.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>One loop thread claims due messages (a lease), groups their open recipients by destination
 *       domain and queues them on that domain's {@link Destination}, which starts connection workers
 *       (virtual threads) as the backlog needs, at most maxPerDomain. A worker carries one message after
 *       the other over one connection (up to maxMessagesPerConnection) and keeps it open for
 *       {@link #IDLE_REUSE} when nothing is left. A permit per open connection bounds connections
 *       overall; a stuck peer holds only its own permits until the RFC 5321 §4.5.3.2 timeouts fire.</li>
 *   <li>Each recipient's outcome is committed after the remote reply to the final dot on a thread of
 *       its own ({@link PendingOutcome}) while the worker sends the next message; that message's final
 *       dot waits for the commit. At-least-once window: at most one message per connection is accepted
 *       remotely and not yet durably recorded; a crash then makes it be sent again after restart;
 *       nothing else is ever sent twice. The job is finished only after its outcome commit.</li>
 *   <li>When every domain of a message is done, the message is finished: recipients that failed in this
 *       run get one DSN, then the message is removed (nothing open) or rescheduled with the backoff
 *       schedule, expired after maxAge, with one delay warning after delayWarning. A crash between a
 *       FAILED commit and the DSN loses that DSN (the failure stays visible in the queue listing until
 *       the message is finished).</li>
 *   <li>A lease keeper renews the lease of every message in flight each third of the lease, so a long
 *       transfer (50 MB to a slow peer) never lets another node claim the message; a node that dies
 *       stops renewing and its messages become claimable one lease later.</li>
 * </ul>
 */
final class QueueRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueRunner.class);

    /** Most messages in flight at once (claimed, not yet finished). */
    static final int MAX_IN_FLIGHT = 1_000;

    /**
     * How long a connection with nothing left to send stays open for more mail to the same destination
     * (Postfix's smtp_connection_cache_time_limit is 2 s); given up early when another destination
     * waits for a connection permit.
     */
    static final Duration IDLE_REUSE = Duration.ofSeconds(1);

    private final DeliveryConfig config;
    private final Store store;
    private final Router router;
    private final OutboundSigner signer;
    private final Bouncer bouncer;
    private final Finisher finisher;
    private final Supplier<SSLContext> tls;
    private final Clock clock;
    private final Semaphore connections;
    private final Map<String, Destination<Work>> destinations = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
    private final AtomicLong sessionCounter = new AtomicLong();
    private volatile boolean running;
    private volatile Duration idleReuse = IDLE_REUSE;
    private Thread loop;
    private Thread leaseKeeper;

    QueueRunner(DeliveryConfig config, Store store, Router router, OutboundSigner signer, Bouncer bouncer,
                Supplier<SSLContext> tls, Clock clock) {
        this.config = config;
        this.store = store;
        this.router = router;
        this.signer = signer;
        this.bouncer = bouncer;
        this.finisher = new Finisher(config, store, bouncer, clock);
        this.tls = tls;
        this.clock = clock;
        this.connections = new Semaphore(config.maxConnections(), true);
    }

    void start() {
        running = true;
        loop = Thread.ofPlatform().daemon().name("delivery-queue-runner").start(this::loop);
        leaseKeeper = Thread.ofVirtual().name("delivery-lease-keeper").start(this::keepLeases);
    }

    /** Renews the leases of the messages in flight every third of the lease (see the class notes). */
    private void keepLeases() {
        long period = Math.max(10, config.lease().toMillis() / 3);
        while (running) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            for (String id : List.copyOf(inFlight)) {
                try {
                    if (!store.queue().renewLease(id, clock.instant(), config.lease())) {
                        // usually just finished (rescheduled or removed) and not yet out of inFlight
                        log.debug("queue {}: lease not renewed (finished, or taken by another runner)", id);
                    }
                } catch (RuntimeException e) {
                    log.warn("queue {}: lease renewal failed: {}", id, e.toString());
                }
            }
        }
    }

    /** Look for due messages now (after an enqueue or an operator's flush). */
    void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    private void loop() {
        log.info("queue runner started ({} connections, {} per domain)", config.maxConnections(),
                config.maxPerDomain());
        while (running) {
            try {
                int room = MAX_IN_FLIGHT - inFlight.size();
                List<QueuedMessage> claimed = room <= 0 ? List.of()
                        : store.queue().claimDue(clock.instant(), Math.min(room, 200), config.lease());
                List<QueuedMessage> fresh = new ArrayList<>();
                for (QueuedMessage m : claimed) {
                    if (inFlight.add(m.id())) {
                        fresh.add(m);
                    }
                }
                dispatch(fresh);
                if (claimed.isEmpty() || room <= 0) {
                    wakeups.poll(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("queue runner: claiming failed, retrying", e);
                try {
                    Thread.sleep(config.pollInterval().toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** A message being worked on: finished when its last domain batch is done. */
    private final class Job {
        final QueuedMessage message;
        final AtomicInteger domainsLeft;
        final List<Dsn.Entry> failedNow = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Set when delivery removed the message (all recipients accepted): nothing left to finish. */
        volatile boolean removed;

        Job(QueuedMessage message, int domains) {
            this.message = message;
            this.domainsLeft = new AtomicInteger(domains);
        }

        void domainDone() {
            if (domainsLeft.decrementAndGet() == 0) {
                try {
                    if (!removed) {
                        finisher.finish(message, failedNow);
                    }
                } catch (RuntimeException e) {
                    log.error("queue {}: finishing failed; lease will expire and it is retried", message.id(), e);
                } finally {
                    // Claim again at once only when this frees room the runner was waiting for, or a DSN
                    // was queued; new mail wakes the runner itself, and every claim costs a query.
                    boolean wasFull = inFlight.size() >= MAX_IN_FLIGHT;
                    inFlight.remove(message.id());
                    if (wasFull || !failedNow.isEmpty()) {
                        wake();
                    }
                }
            }
        }
    }

    private record Work(Job job, List<RecipientState> recipients) {}

    private void dispatch(List<QueuedMessage> messages) {
        Map<String, List<Work>> byDomain = new LinkedHashMap<>();
        for (QueuedMessage m : messages) {
            Map<String, List<RecipientState>> domains = new LinkedHashMap<>();
            for (RecipientState r : m.openRecipients()) {
                domains.computeIfAbsent(domainOf(r.address()), d -> new ArrayList<>()).add(r);
            }
            Job job = new Job(m, Math.max(1, domains.size()));
            if (domains.isEmpty()) {
                job.domainDone();
                continue;
            }
            domains.forEach((d, rs) -> byDomain.computeIfAbsent(d, x -> new ArrayList<>()).add(new Work(job, rs)));
        }
        byDomain.forEach((domain, works) -> destinations.compute(domain, (d, dest) -> {
            Destination<Work> target = dest != null ? dest : new Destination<>();
            int start = target.add(works, config.maxPerDomain(), config.maxMessagesPerConnection());
            for (int i = 0; i < start; i++) {
                Thread.ofVirtual().name("delivery-" + domain).start(() -> work(domain, target));
            }
            return target;
        }));
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** An open connection of a worker, with the permit it holds. */
    private record Connected(OutboundSession session, Router.Hop hop) {}

    /**
     * One connection worker for a destination (see {@link Destination}): takes the destination's work
     * one message at a time, opening a connection when it needs one and keeping it for up to
     * maxMessagesPerConnection messages; while it holds a connection it waits {@link #IDLE_REUSE} for
     * more work before closing, unless another worker waits for a connection permit.
     */
    private void work(String domain, Destination<Work> dest) {
        Connected open = null;
        int sent = 0;
        PendingOutcome previous = null; // the last sent message's outcome, still committing
        try {
            while (true) {
                Destination.Taken<Work> taken = dest.next(open == null ? Duration.ZERO : idleReuse,
                        () -> !running || connections.hasQueuedThreads());
                if (taken == null) {
                    return;
                }
                Work w = taken.work();
                boolean handedOff = false;
                try {
                    Loaded loaded = precheck(w);
                    if (loaded == null) {
                        continue;
                    }
                    if (open != null && taken.afterWait() && !open.session().stillThere()) {
                        open = close(open, domain, sent, previous);
                    }
                    if (open == null) {
                        open = connect(domain, w, dest);
                        sent = 0;
                        if (open == null) {
                            continue;
                        }
                    }
                    Runnable record;
                    try {
                        record = transfer(open.session(), open.hop(), w, loaded,
                                previous == null ? OutboundSession.EndBarrier.NONE : previous);
                    } catch (IOException e) {
                        String reply = "451 4.4.2 connection to " + open.hop().host() + " lost: " + e.getMessage();
                        log.warn("session {}: {}", open.session().sessionId(), reply);
                        outcomeOpen(w, RecipientStatus.DEFERRED, reply, open.hop().host());
                        open = close(open, domain, sent, previous);
                        continue;
                    }
                    // Group commit: the outcome commits while this worker goes on with the next message;
                    // that message's final dot waits for it (see PendingOutcome), and the job is finished
                    // only after the commit.
                    previous = PendingOutcome.start(w.job().message.id(), record, w.job()::domainDone);
                    handedOff = true;
                    if (++sent >= config.maxMessagesPerConnection()) {
                        open = close(open, domain, sent, previous);
                    }
                } catch (RuntimeException e) {
                    log.error("delivery of queue {} to {} failed unexpectedly", w.job().message.id(), domain, e);
                    if (open != null) {
                        open = close(open, domain, sent, previous);
                    }
                } finally {
                    if (!handedOff) {
                        w.job().domainDone();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (open != null) {
                close(open, domain, sent, previous);
            }
            if (previous != null) {
                previous.awaitQuietly(); // shutdown waits for the workers' last outcomes
            }
            destinations.computeIfPresent(domain, (d, dest2) -> dest2.unused() ? null : dest2);
        }
    }

    /**
     * Closes the worker's connection; its permit is released only once the last outcome sent over it
     * is durable, so the at-least-once window stays within one message per connection permit.
     */
    private Connected close(Connected open, String domain, int sent, PendingOutcome last) {
        try {
            open.session().close();
        } finally {
            if (last != null) {
                last.awaitQuietly();
            }
            connections.release();
        }
        log.info("session {}: {} message(s) to {} done", open.session().sessionId(), sent, domain);
        return null;
    }

    /**
     * Routes the domain and opens a session to the first hop that answers, holding one overall
     * connection permit. When that fails, {@code w} and everything pending for the destination get the
     * failure (they were claimed together; trying each on its own would only repeat the timeouts).
     */
    private Connected connect(String domain, Work w, Destination<Work> dest) throws InterruptedException {
        connections.acquire();
        RecipientStatus status = RecipientStatus.DEFERRED;
        String reply;
        String sessionId = "out-" + sessionCounter.incrementAndGet();
        switch (router.route(domain)) {
            case Router.Routing.Permanent p -> {
                status = RecipientStatus.FAILED;
                reply = "550 5.1.2 " + p.reason();
            }
            case Router.Routing.Temporary t -> reply = "451 4.4.3 " + t.reason();
            case Router.Routing.Hops h -> {
                String lastError = "451 4.4.1 no host reachable for " + domain;
                for (Router.Hop hop : h.hops()) {
                    try {
                        return new Connected(openSession(domain, hop, sessionId), hop);
                    } catch (OutboundSession.SessionFailure f) {
                        lastError = f.reply.oneLine();
                    } catch (IOException e) {
                        lastError = "451 4.4.1 " + hop.host() + ": " + e.getMessage();
                    } catch (RuntimeException e) {
                        connections.release();
                        throw e;
                    }
                }
                reply = lastError.startsWith("5") ? "451 4.4.0 " + lastError : lastError;
                log.warn("session {}: delivery to {} deferred: {}", sessionId, domain, reply);
            }
        }
        connections.release();
        outcomeAll(w, status, reply, "");
        for (Work rest : dest.drain()) {
            try {
                outcomeAll(rest, status, reply, "");
            } finally {
                rest.job().domainDone();
            }
        }
        return null;
    }

    /** A queued message's bytes, parsed once for the checks, conversion and signing. */
    private record Loaded(byte[] bytes, RawMessage raw) {}

    /**
     * The message content, or null when it must not be sent: unreadable (deferred) or a loop (RFC 5321
     * §6.3: too many Received fields → fail, do not deliver).
     */
    private Loaded precheck(Work w) {
        byte[] content = content(w.job().message);
        if (content == null) {
            outcomeAll(w, RecipientStatus.DEFERRED, "451 4.3.0 queued message unreadable", "");
            return null;
        }
        RawMessage raw = RawMessage.parse(content);
        if (raw.count("Received") > config.maxReceivedHeaders()) {
            outcomeAll(w, RecipientStatus.FAILED, "554 5.4.6 mail loop: too many Received header fields", "");
            return null;
        }
        return new Loaded(content, raw);
    }

    private byte[] content(QueuedMessage m) {
        try (InputStream in = store.queue().open(m.id())) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            log.warn("queue {}: cannot read content: {}", m.id(), e.toString());
            return null;
        }
    }

    private OutboundSession openSession(String domain, Router.Hop hop, String sessionId)
            throws IOException, OutboundSession.SessionFailure {
        TlsMode mode = config.tlsFor(domain);
        try {
            return OutboundSession.open(hop, config.helloName(), mode, tls, config.timeouts(), sessionId);
        } catch (OutboundSession.TlsHandshakeFailed e) {
            if (mode != TlsMode.OPPORTUNISTIC) {
                throw e;
            }
            // RFC 7435 §3: opportunistic security must not make delivery fail; fall back to clear text.
            log.warn("session {}: {}; retrying without TLS", sessionId, e.getMessage());
            return OutboundSession.open(hop, config.helloName(), TlsMode.NONE, tls, config.timeouts(), sessionId);
        }
    }

    /**
     * One message over an open session, with the checks and conversions that depend on the peer's
     * extensions. Returns what records the outcome; the caller runs it (see {@link PendingOutcome}).
     * The final dot waits for {@code beforeEnd}.
     */
    private Runnable transfer(OutboundSession session, Router.Hop hop, Work w, Loaded loaded,
                              OutboundSession.EndBarrier beforeEnd) throws IOException {
        QueuedMessage m = w.job().message;
        RawMessage raw = loaded.raw();
        // RFC 6531 §3.4: a message needs SMTPUTF8 when the client asked for it, or when the envelope or
        // the header carries UTF-8 (RFC 6532 §3); there is no downgrade, so such a message can not go to a
        // server without SMTPUTF8.
        boolean utf8 = m.dsn().smtputf8() || !ascii(m.envelopeFrom())
                || w.recipients().stream().anyMatch(r -> !ascii(r.address())) || raw.headerHas8Bit();
        if (utf8 && !session.supports("SMTPUTF8")) {
            return () -> outcomeAll(w, RecipientStatus.FAILED, "553 5.6.7 " + hop.host()
                    + " does not support SMTPUTF8, which this message needs", hop.host());
        }
        // RFC 6152 §3, RFC 3030 §3, RFC 5321 §4.5.3.1.6: DATA carries no binary data, no line over 998
        // octets, and 8-bit octets only to an 8BITMIME server; such parts are converted (MimeDowngrade),
        // unless the peer takes the message as it is with BODY=BINARYMIME over BDAT.
        boolean peer8bit = session.supports("8BITMIME");
        var converted = MimeDowngrade.forData(raw, peer8bit);
        byte[] rawBody = raw.body(); // a conversion that only folded header lines keeps the body array
        boolean bodyConverted = converted.map(c -> c.body() != rawBody).orElse(true);
        boolean binaryMime = bodyConverted && session.supports("BINARYMIME") && session.supports("CHUNKING");
        if (binaryMime) {
            converted = java.util.Optional.of(raw);
        }
        if (converted.isEmpty()) {
            return () -> outcomeAll(w, RecipientStatus.FAILED, "554 5.6.3 message can not be converted for "
                    + hop.host() + " (binary data or lines over 998 octets in a part with transfer encoding it"
                    + " can not re-encode" + (peer8bit ? "" : ", or 8-bit data and no 8BITMIME") + ")", hop.host());
        }
        boolean eightBit = peer8bit && (converted.get() == raw ? m.dsn().eightBitMime() || raw.bodyHas8Bit()
                : converted.get().bodyHas8Bit());
        raw = converted.get();
        byte[] signed = signer.sign(raw).toBytes();
        if (session.sizeLimit() > 0 && signed.length > session.sizeLimit()) {
            // RFC 1870 §6: do not send what the peer said it will refuse
            return () -> outcomeAll(w, RecipientStatus.FAILED, "552 5.3.4 message size " + signed.length
                    + " exceeds the limit of " + hop.host() + " (" + session.sizeLimit() + ")", hop.host());
        }
        List<OutboundSession.Rcpt> rcpts = w.recipients().stream()
                .map(r -> new OutboundSession.Rcpt(r.address(), r.notifyOn(), r.orcpt())).toList();
        OutboundSession.Envelope env = new OutboundSession.Envelope(m.envelopeFrom(), rcpts, m.dsn().ret(),
                m.dsn().envid(), utf8, eightBit, signed.length, binaryMime);
        List<Reply> replies = session.send(env, signed, beforeEnd);
        boolean peerDsn = session.supports("DSN");
        return () -> record(w, hop, replies, peerDsn);
    }

    /** Records the replies of one transaction (durable when it returns), see {@link #transfer}. */
    private void record(Work w, Router.Hop hop, List<Reply> replies, boolean peerDsn) {
        QueuedMessage m = w.job().message;
        if (!peerDsn) {
            relayedNotice(hop, w, replies);
        }
        if (replies.stream().allMatch(Reply::positive) && w.job().domainsLeft.get() == 1
                && m.openRecipients().size() == w.recipients().size()) {
            // Every open recipient of the message just got 250: removing the message is the one commit
            // that records all of them (same at-least-once window, half the fsyncs); finish() then
            // knows it is gone.
            store.queue().remove(m.id());
            w.job().removed = true;
            log.info("queue {}: delivered to {} recipient(s) at {} ({})", m.id(), replies.size(), hop.host(),
                    replies.get(0).oneLine());
            return;
        }
        for (int i = 0; i < replies.size(); i++) {
            Reply r = replies.get(i);
            RecipientStatus status = r.positive() ? RecipientStatus.DELIVERED
                    : r.permanentFailure() ? RecipientStatus.FAILED : RecipientStatus.DEFERRED;
            outcome(w, w.recipients().get(i), status, r.oneLine(), hop.host());
        }
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /**
     * RFC 3461 §4.1: a recipient accepted by a server without DSN whose NOTIFY asked for SUCCESS gets a
     * "relayed" notice now, since no success notice can come from further on. Sent before the outcome is
     * committed (the DSN quotes the queued header): a crash in between sends message and notice again.
     */
    private void relayedNotice(Router.Hop hop, Work w, List<Reply> replies) {
        List<Dsn.Entry> relayed = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
            RecipientState r = w.recipients().get(i);
            if (replies.get(i).positive() && Dsn.wanted(r.notifyOn(), Dsn.Action.RELAYED)) {
                relayed.add(new Dsn.Entry(r.address(), r.orcpt(), replies.get(i).oneLine(), hop.host()));
            }
        }
        if (!relayed.isEmpty()) {
            QueuedMessage m = w.job().message;
            bouncer.send(m, relayed, Dsn.Action.RELAYED, clock.instant(), m.createdAt().plus(config.maxAge()));
        }
    }

    private void outcomeAll(Work w, RecipientStatus status, String reply, String remote) {
        for (RecipientState r : w.recipients()) {
            outcome(w, r, status, reply, remote);
        }
    }

    private void outcomeOpen(Work w, RecipientStatus status, String reply, String remote) {
        Set<Integer> recorded = w.job().message.recipients().stream().filter(r -> !r.open())
                .map(RecipientState::position).collect(java.util.stream.Collectors.toSet());
        for (RecipientState r : w.recipients()) {
            if (!recorded.contains(r.position())) {
                outcome(w, r, status, reply, remote);
            }
        }
    }

    private void outcome(Work w, RecipientState r, RecipientStatus status, String reply, String remote) {
        store.queue().recordOutcome(w.job().message.id(), r.position(), status, reply, clock.instant());
        if (status == RecipientStatus.FAILED) {
            w.job().failedNow.add(new Dsn.Entry(r.address(), r.orcpt(), reply, remote));
        }
        log.info("queue {}: <{}> {} ({})", w.job().message.id(), r.address(),
                status.name().toLowerCase(Locale.ROOT), reply);
    }

    /** Tests on a loaded machine keep idle connections longer than {@link #IDLE_REUSE}. */
    void idleReuse(Duration d) {
        idleReuse = d;
    }

    /** Connections open and waiting for more mail (for tests). */
    int idleConnections() {
        return destinations.values().stream().mapToInt(Destination::idle).sum();
    }

    int inFlight() {
        return inFlight.size();
    }

    @Override
    public void close() {
        running = false;
        if (leaseKeeper != null) {
            leaseKeeper.interrupt();
        }
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
