package jotmai.imap;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ImapReader;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.ChangeBus;
import jotmai.store.StoreException;

/**
 * The session's side of RFC 5465 NOTIFY: the {@link Notifier} in force (none for most sessions, which
 * then pay nothing), the NOTIFY command, and waiting for the next command while notifications arrive.
 */
final class NotifyHandler {
    private static final Logger log = LoggerFactory.getLogger(NotifyHandler.class);

    private final SessionContext ctx;
    private final ImapReader in;
    private final ChangeBus bus;
    private final jotmai.store.MetadataStore metadata;
    private final ChangeSync sync;
    private final FetchCommand fetch;
    private Notifier notifier;

    NotifyHandler(SessionContext ctx, ImapReader in, ChangeBus bus, jotmai.store.MetadataStore metadata,
                  ChangeSync sync, FetchCommand fetch) {
        this.ctx = ctx;
        this.in = in;
        this.bus = bus;
        this.metadata = metadata;
        this.sync = sync;
        this.fetch = fetch;
    }

    boolean active() {
        return notifier != null;
    }

    /** RFC 5465 §3.1: NOTIFY SET replaces the events of an earlier one (only once it succeeded); NONE ends them. */
    Outcome notify(SessionState state, SessionState.LoggedIn session, Command.Notify command) {
        Notifier next = command.groups().isEmpty() ? null : Notifier.start(ctx, bus, metadata, session.account(), command);
        close();
        notifier = next;
        if (next != null && next.namesMissing()) {
            // RFC 5465 §6.5/§6.6: names that do not exist (or are not visible) are ignored
            return new Outcome(state, ResponseCode.of("CLIENTBUG"), "NOTIFY completed, unknown mailboxes ignored");
        }
        return Outcome.of(state);
    }

    /** After each command: this client's own changes are not announced to it (RFC 5465 §5). */
    void absorbOwn(Command command) {
        if (notifier != null) {
            notifier.absorbOwn(command);
        }
    }

    /** Where rings go while IDLE waits (RFC 5465 §4: the same events during IDLE); null to stop. */
    void doorbell(Runnable r) {
        if (notifier != null) {
            notifier.doorbell(r);
        }
    }

    /**
     * Waits for the client's next command and meanwhile writes notifications (RFC 5465 §4: "at any time"
     * while no command is in progress, also without IDLE). A helper thread only waits for input to
     * arrive; the session thread stays the only writer, and reads the command once the helper is done.
     * Returns the state: Logout when a BYE was sent.
     */
    SessionState awaitCommand(SessionState state) throws IOException {
        BlockingQueue<ImapSession.Wake> wakeups = new LinkedBlockingQueue<>();
        AtomicBoolean queued = new AtomicBoolean();
        notifier.doorbell(() -> {
            if (queued.compareAndSet(false, true)) { // coalesced: one pending wake-up is enough
                wakeups.offer(new ImapSession.Wake.Changed(System.nanoTime()));
            }
        });
        Thread.ofVirtual().name(ctx.sessionId + "-notify-read").start(() -> {
            try {
                in.awaitInput();
                wakeups.add(new ImapSession.Wake.Line(""));
            } catch (IOException e) {
                wakeups.add(new ImapSession.Wake.ReadFailed(e));
            } catch (RuntimeException e) {
                wakeups.add(new ImapSession.Wake.ReadFailed(new IOException(e.getMessage())));
            }
        });
        try {
            while (true) {
                queued.set(false);
                state = deliver(state, false);
                ctx.out.flush();
                if (state instanceof SessionState.Logout) {
                    return state; // the helper ends when the socket closes
                }
                switch (wakeups.take()) {
                    case ImapSession.Wake.Changed c -> { }
                    case ImapSession.Wake.Line l -> {
                        return state;
                    }
                    case ImapSession.Wake.ReadFailed f -> throw f.cause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.out.bye("server shutting down");
            return new SessionState.Logout();
        } finally {
            doorbell(null);
        }
    }

    /**
     * Writes pending notifications. A deleted selected mailbox is a BYE: thrown during IDLE (its command
     * answers it), written here otherwise; other failures are logged, never thrown.
     */
    SessionState deliver(SessionState state, boolean inIdle) {
        if (notifier == null) {
            return state;
        }
        try {
            notifier.deliver(state, sync, fetch, inIdle);
        } catch (ImapException.Bye e) {
            if (inIdle) {
                throw e;
            }
            ctx.out.bye(e.getMessage());
            return new SessionState.Logout();
        } catch (ImapException | StoreException e) {
            log.warn("session {}: notification failed: {}", ctx.sessionId, e.getMessage());
        } catch (RuntimeException e) {
            // a bug: logged with its stack; the session and its next command go on
            log.error("session {}: notification failed", ctx.sessionId, e);
        }
        if (notifier != null && notifier.overflowed()) {
            close(); // RFC 5465 §5.8: as if NOTIFY NONE
        }
        return state;
    }

    void close() {
        if (notifier != null) {
            notifier.close();
            notifier = null;
        }
    }
}
