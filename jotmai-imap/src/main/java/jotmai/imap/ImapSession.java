package jotmai.imap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.CommandParser;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ImapReader;
import jotmai.imap.protocol.RawCommand;
import jotmai.imap.protocol.ReaderLimits;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.ResponseWriter;
import jotmai.shared.auth.Authenticator;
import jotmai.shared.net.Connection;
import jotmai.store.ChangeBus;
import jotmai.store.Store;
import jotmai.store.StoreException;

/**
 * One IMAP connection (RFC 9051 §3 state machine). Runs on its own virtual thread; this thread is the
 * only one that writes to the client (but for IDLE fan-out writes, below).
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>Commands run one after another; pipelined commands wait in the socket buffer (bounded by TCP).</li>
 *   <li>Never write to the client while holding a store lock or transaction: handlers get results from
 *       the store first, then write.</li>
 *   <li>Before each tagged completion in Selected state, {@link ChangeSync} pulls the store's changes
 *       and announces them, withholding EXPUNGE during FETCH/STORE/SEARCH (§7.4.1); it also
 *       revalidates that the selected mailbox still exists.</li>
 *   <li>IDLE waits on one queue fed by a helper reader thread and by the change bus (which only rings);
 *       while it waits, {@link IdleFanOut} may write new-message announcements for it, holding the
 *       session's IDLE lock (the one exception to "this thread is the only writer").</li>
 * </ul>
 */
final class ImapSession implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ImapSession.class);
    /** Pending wake-ups during IDLE are coalesced; one is enough to trigger a pull. */
    static final int MAX_IDLE_LINE = 1024;

    sealed interface Wake {
        record Line(String text) implements Wake {}

        /** The change bus rang at {@code nanos} (System.nanoTime). */
        record Changed(long nanos) implements Wake {}

        record ReadFailed(IOException cause) implements Wake {}
    }

    private final Connection connection;
    private final ImapConfig config;
    private final Store store;
    private final ImapReader in;
    private final ResponseWriter out;
    private final SessionContext ctx;
    private final AuthCommands auth;
    private final MailboxCommands mailboxes;
    private final MessageCommands messages;
    private final FetchCommand fetch;
    private final SearchCommand search;
    private final AppendCommand append;
    private final ChangeSync sync;
    private final QuotaCommands quota;
    private final AclCommands acl;
    private final SortCommand sort;
    private final MetadataCommands metadata;
    private final IdleFanOut fanOut;
    private final NotifyHandler notify;
    private SessionState state = new SessionState.NotAuthenticated();

    ImapSession(Connection connection, ImapConfig config, Store store, Authenticator authenticator, Path spoolDir,
                IdleFanOut fanOut) {
        this.connection = connection;
        this.fanOut = fanOut;
        this.config = config;
        this.store = store;
        this.in = new ImapReader(connection.in(), spoolDir);
        this.out = new ResponseWriter(connection.out());
        this.ctx = new SessionContext(store.mail(), out, connection.id(), config,
                new SharedNamespace(store.accounts(), store.mail(), store.acl()));
        this.auth = new AuthCommands(ctx, authenticator, connection.remoteAddress());
        this.sync = new ChangeSync(ctx);
        this.mailboxes = new MailboxCommands(ctx, sync);
        this.messages = new MessageCommands(ctx, sync);
        this.fetch = new FetchCommand(ctx, sync);
        this.search = new SearchCommand(ctx);
        this.append = new AppendCommand(ctx);
        this.quota = new QuotaCommands(ctx);
        this.acl = new AclCommands(ctx);
        this.sort = new SortCommand(ctx, search);
        this.metadata = new MetadataCommands(ctx, store.metadata());
        this.notify = new NotifyHandler(ctx, in, store.changes(), store.metadata(), sync, fetch);
    }

    @Override
    public void run() {
        log.info("session {}: start {} from {}", ctx.sessionId, connection.listenerName(), connection.remote());
        String endReason = "logout";
        try {
            out.untaggedOk(ResponseCode.capability(capabilities()), config.serverName() + " IMAP ready");
            out.flush();
            while (!(state instanceof SessionState.Logout)) {
                // The idle timeout, not SO_TIMEOUT: both end the session (RFC 9051 §5.4 autologout), but a
                // virtual thread's timed read arms and cancels a scheduler timer per command (Connection's
                // IdleWatch); the session needs no timer until a client is actually silent.
                connection.setIdleTimeout(state instanceof SessionState.NotAuthenticated
                        ? config.loginTimeout() : config.autologoutTimeout());
                if (notify.active() && !inputPending()) {
                    state = notify.awaitCommand(state);
                    if (state instanceof SessionState.Logout) {
                        break;
                    }
                }
                if (!step()) {
                    endReason = "client closed the connection";
                    break;
                }
                if (!inputPending()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (SocketTimeoutException e) {
            endReason = "autologout";
            try {
                out.bye("autologout: idle for too long");
                out.flush();
            } catch (UncheckedIOException ignored) {
                // the client is gone anyway
            }
        } catch (IOException | UncheckedIOException e) {
            endReason = "I/O: " + e.getMessage();
        } finally {
            notify.close();
            log.info("session {}: end ({})", ctx.sessionId, endReason);
        }
    }

    private boolean inputPending() {
        try {
            return in.hasBufferedInput() || connection.in().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * RFC 9051 §6.3.12: APPEND to a missing mailbox is NO [TRYCREATE]. Said before the "+" of the first
     * synchronizing literal, the client never uploads the message (RFC 9051 §7.5: a tagged NO instead of
     * the continuation ends the command). A non-synchronizing literal is already on its way and is read;
     * {@link AppendCommand} then answers the same NO.
     */
    private void refuseAppendToMissingMailbox() {
        if (!(state instanceof SessionState.LoggedIn session)) {
            return;
        }
        Optional<String> name = CommandParser.appendMailbox(in.lineBeforeLiteral());
        if (name.isEmpty()) {
            return;
        }
        boolean exists;
        try {
            // RFC 4314 §4: without "i" on a shared mailbox the APPEND fails anyway; without any right it
            // does not exist for this user
            exists = ctx.shared.find(session.account(), ctx.storeName(name.get())).filter(a -> a.rights().has('i'))
                    .isPresent();
        } catch (StoreException | ImapException e) {
            return; // a bad name or a store hiccup: decided after the upload, with the command's own tag
        }
        if (!exists) {
            throw new ImapException.No(ResponseCode.TRYCREATE, "no such mailbox");
        }
    }

    private ReaderLimits limits() {
        return state instanceof SessionState.NotAuthenticated
                ? ReaderLimits.UNAUTHENTICATED : ReaderLimits.authenticated(config.appendLimit());
    }

    /** Reads and answers one command; false at end of stream. */
    private boolean step() throws IOException {
        String tag = "*";
        RawCommand raw = null;
        try {
            raw = in.readCommand(limits(), (t, size, synchronizing) -> {
                if (synchronizing && in.literalIndex() == 0) {
                    refuseAppendToMissingMailbox();
                }
                if (synchronizing) {
                    out.continuation("Ready for literal data");
                    out.flush();
                }
            });
            if (raw == null) {
                return false;
            }
            tag = raw.tag();
            CommandParser.Request request = CommandParser.parse(raw);
            tag = request.tag();
            execute(tag, request.command());
        } catch (MailboxCommands.NoWithState e) {
            state = e.state;
            out.no(tag, e.no.code(), e.no.getMessage());
        } catch (ImapException.Bad e) {
            out.bad(raw == null ? in.currentTag() : tag, e.code(), e.getMessage());
        } catch (ImapException.No e) {
            out.no(raw == null ? in.currentTag() : tag, e.code(), e.getMessage());
        } catch (ImapException.Bye e) {
            out.bye(e.getMessage());
            state = new SessionState.Logout();
        } catch (StoreException e) {
            storeFailure(tag, e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            log.error("session {}: command {} failed", ctx.sessionId, tag, e);
            out.no(tag, ResponseCode.SERVERBUG, "internal error");
        } finally {
            if (raw != null) {
                raw.close();
            }
        }
        return true;
    }

    /** Store failures map once (STYLE.md §3.1 principle 9). */
    private void storeFailure(String tag, StoreException e) {
        switch (e) {
            case StoreException.Unavailable u -> {
                log.warn("session {}: store unavailable: {}", ctx.sessionId, u.getMessage());
                out.no(tag, ResponseCode.UNAVAILABLE, "temporary failure, try again later");
            }
            case StoreException.QuotaExceeded q -> out.no(tag, ResponseCode.OVERQUOTA, "quota exceeded");
            case StoreException.NotFound n -> out.no(tag, ResponseCode.NONEXISTENT, "no such mailbox or message");
            case StoreException.AlreadyExists a -> out.no(tag, ResponseCode.ALREADYEXISTS, "already exists");
            case StoreException.Conflict c -> out.no(tag, ResponseCode.CANNOT, "not possible: " + c.getMessage());
            case StoreException.Invalid i -> out.no(tag, ResponseCode.CANNOT, "not possible: " + i.getMessage());
        }
    }

    private void execute(String tag, Command command) throws IOException {
        if (command instanceof Command.Logout) {
            out.bye("logging out");
            out.ok(tag, null, "LOGOUT completed");
            state = new SessionState.Logout();
            return;
        }
        if (command instanceof Command.StartTls) {
            startTls(tag);
            return;
        }
        if (command instanceof Command.Compress c) {
            compress(tag, c);
            return;
        }
        if (state instanceof SessionState.Selected sel) {
            mailboxes.revalidateRights(sel); // RFC 4314: rights on another user's mailbox may change meanwhile
        }
        Outcome outcome = switch (command) {
            case Command.Capability c -> {
                out.star().atom("CAPABILITY ").atom(String.join(" ", capabilities())).crlf();
                yield Outcome.of(state);
            }
            case Command.Noop n -> Outcome.of(state);
            case Command.Check c -> Outcome.of(selected());
            case Command.Logout l -> throw new IllegalStateException("handled above");
            case Command.Id id -> {
                out.star().atom("ID (").string("name").sp().string(config.serverName()).close().crlf();
                yield Outcome.of(state);
            }
            case Command.StartTls s -> throw new IllegalStateException("handled above");
            case Command.Compress c -> throw new IllegalStateException("handled above");
            case Command.Login login -> {
                requirePlaintextAuthAllowed();
                yield loggedIn(auth.login(login.user(), login.password()));
            }
            case Command.Authenticate a -> {
                requirePlaintextAuthAllowed();
                yield loggedIn(auth.authenticate(a, this::readSaslLine));
            }
            case Command.Enable e -> enable(e);
            case Command.Select s -> mailboxes.select(loggedIn(), s);
            case Command.Create c -> mailboxes.create(loggedIn(), c);
            case Command.Delete d -> mailboxes.delete(loggedIn(), d);
            case Command.Rename r -> mailboxes.rename(loggedIn(), r);
            case Command.Subscribe s -> mailboxes.subscribe(loggedIn(), s);
            case Command.ListMailboxes l -> mailboxes.list(loggedIn(), l);
            case Command.Namespace n -> {
                loggedIn();
                // RFC 2342 §5: personal, other users', shared (SharedNamespace)
                out.star().atom("NAMESPACE ((\"\" \"/\")) ((\"" + SharedNamespace.OTHER_USERS + "/\" \"/\")) ((\""
                        + SharedNamespace.SHARED_FOLDERS + "/\" \"/\"))").crlf();
                yield Outcome.of(state);
            }
            case Command.Status s -> mailboxes.status(loggedIn(), s);
            case Command.GetQuotaRoot q -> quota.getQuotaRoot(loggedIn(), q);
            case Command.GetQuota q -> quota.getQuota(loggedIn(), q);
            case Command.SetQuota q -> quota.setQuota(loggedIn(), q);
            case Command.Append a -> append.append(loggedIn(), a);
            case Command.SetAcl a -> acl.setAcl(loggedIn(), a);
            case Command.DeleteAcl a -> acl.deleteAcl(loggedIn(), a);
            case Command.GetAcl a -> acl.getAcl(loggedIn(), a);
            case Command.ListRights a -> acl.listRights(loggedIn(), a);
            case Command.MyRights a -> acl.myRights(loggedIn(), a);
            case Command.GetMetadata g -> metadata.get(loggedIn(), g);
            case Command.SetMetadata m -> metadata.set(loggedIn(), m);
            case Command.Notify n -> notify.notify(state, loggedIn(), n);
            case Command.Idle i -> {
                idle(tag, loggedIn());
                if (state instanceof SessionState.Selected sel) {
                    mailboxes.mayStillRead(sel); // the rights may have changed while idling: the sync below obeys
                }
                yield Outcome.of(state);
            }
            case Command.Close c -> messages.close(selected());
            case Command.Unselect u -> Outcome.of(new SessionState.Authenticated(selected().account()));
            case Command.Expunge e -> messages.expunge(selected(), e);
            case Command.Search s -> search.search(selected(), s, tag);
            case Command.Sort s -> sort.sort(selected(), s, tag);
            case Command.Thread t -> sort.thread(selected(), t);
            case Command.Fetch f -> fetch.fetch(selected(), f);
            case Command.Store s -> messages.store(selected(), s);
            case Command.Copy c -> messages.copy(selected(), c);
        };
        state = outcome.state();
        notify.absorbOwn(command); // RFC 5465 §5: not this client's own changes
        boolean condstoreJustEnabled = ctx.takeCondstoreJustEnabled();
        if (state instanceof SessionState.Selected sel && !(command instanceof Command.Select)
                && (!sel.view().shared || sel.view().rights.has('r'))) { // RFC 4314 §4: nothing without "r"
            sync.sync(sel.view(), command.allowsExpungeResponses());
            if (condstoreJustEnabled) {
                // RFC 7162 §3.1: the first CONDSTORE-enabling command with a mailbox selected reports it
                out.untaggedOk(new ResponseCode("HIGHESTMODSEQ", Long.toString(sel.view().modSeq)), "highest");
            }
        }
        out.ok(tag, outcome.code(), outcome.text() != null ? outcome.text() : command.name() + " completed");
    }

    private Outcome loggedIn(SessionState next) {
        return Outcome.of(next, ResponseCode.capability(capabilitiesFor(next)));
    }

    private SessionState.LoggedIn loggedIn() {
        if (state instanceof SessionState.LoggedIn l) {
            return l;
        }
        throw new ImapException.Bad("not authenticated");
    }

    private SessionState.Selected selected() {
        if (state instanceof SessionState.Selected s) {
            return s;
        }
        throw new ImapException.Bad("no mailbox selected");
    }

    private void requirePlaintextAuthAllowed() {
        if (!(state instanceof SessionState.NotAuthenticated)) {
            throw new ImapException.Bad("already authenticated");
        }
        if (!plaintextAuthAllowed()) {
            throw new ImapException.No(ResponseCode.PRIVACYREQUIRED, "use STARTTLS first");
        }
    }

    private boolean plaintextAuthAllowed() {
        return connection.isTls() || connection.isLoopback() || config.allowPlaintextAuth();
    }

    private String readSaslLine() {
        try {
            return in.readLine(AuthCommands.MAX_SASL_LINE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 9051 §6.2.1; buffered input after the command is discarded by the reset (injection defence). */
    private void startTls(String tag) throws IOException {
        if (!(state instanceof SessionState.NotAuthenticated)) {
            throw new ImapException.Bad("STARTTLS only before authentication");
        }
        if (connection.isTls() || !connection.tlsAvailable()) {
            throw new ImapException.Bad("TLS not available");
        }
        out.ok(tag, null, "begin TLS negotiation now");
        out.flush();
        connection.startTls();
        in.reset(connection.in());
        out.reset(connection.out());
    }

    /**
     * RFC 4978 §3 COMPRESS DEFLATE: after our (uncompressed) OK both directions are raw deflate. Only
     * once per connection ([COMPRESSIONACTIVE]), only after login. Input already read past the command
     * line was sent after it, hence compressed (mbsync pipelines): it goes into the inflater first.
     */
    private void compress(String tag, Command.Compress command) throws IOException {
        loggedIn();
        if (!command.mechanism().equals("DEFLATE")) {
            throw new ImapException.Bad("unknown compression mechanism");
        }
        if (connection.isCompressed()) {
            throw new ImapException.No(ResponseCode.of("COMPRESSIONACTIVE"), "compression already active");
        }
        out.ok(tag, null, "DEFLATE active");
        out.flush();
        // a client that pipelined after COMPRESS has compressed what it sent: feed it to the inflater
        connection.startCompression(in.takeBuffered());
        in.reset(connection.in());
        out.reset(connection.out());
        log.debug("session {}: COMPRESS=DEFLATE active", ctx.sessionId);
    }

    /** RFC 5161 ENABLE; IMAP4rev2 switches the session to rev2 behaviour (RFC 9051 §6.3.1). */
    private Outcome enable(Command.Enable e) {
        loggedIn();
        List<String> enabled = new ArrayList<>();
        for (String cap : e.capabilities()) {
            if (cap.equals("IMAP4REV2") && !ctx.rev2()) {
                ctx.enableRev2();
                enabled.add("IMAP4rev2");
            } else if (cap.equals("CONDSTORE") && !ctx.condstore()) {
                ctx.enableCondstore(); // RFC 7162 §3.1
                enabled.add("CONDSTORE");
            } else if (cap.equals("QRESYNC") && !ctx.qresync()) {
                ctx.enableQresync(); // RFC 7162 §3.2.3
                enabled.add("QRESYNC");
            }
        }
        out.star().atom("ENABLED");
        for (String cap : enabled) {
            out.sp().atom(cap);
        }
        out.crlf();
        return Outcome.of(state);
    }

    // ---- IDLE (RFC 2177, RFC 9051 §6.3.13) ----

    private void idle(String tag, SessionState.LoggedIn session) throws IOException {
        BlockingQueue<Wake> wakeups = new LinkedBlockingQueue<>();
        connection.setIdleTimeout(config.idleTimeout()); // final, like the autologout above
        if (session instanceof SessionState.Selected sel) {
            sel.view().forgetRows(); // an idler may wait for hours: give its rows back (MessageMetas)
        }
        Thread.ofVirtual().name(ctx.sessionId + "-idle-read").start(() -> {
            try {
                String line = in.readLine(MAX_IDLE_LINE);
                wakeups.add(line == null ? new Wake.ReadFailed(new IOException("connection closed")) : new Wake.Line(line));
            } catch (IOException e) {
                wakeups.add(new Wake.ReadFailed(e));
            } catch (RuntimeException e) {
                wakeups.add(new Wake.ReadFailed(new IOException(e.getMessage())));
            }
        });
        LongConsumer ring = nanos -> wakeups.offer(new Wake.Changed(nanos));
        // sessions without NOTIFY (RFC 5465 has its own selected-mailbox path) idle through the fan-out,
        // which may write new-message announcements for them while this thread is parked (IdleFanOut)
        boolean viaFanOut = session instanceof SessionState.Selected && !notify.active();
        ChangeBus.Subscription subscription = !viaFanOut && session instanceof SessionState.Selected sel
                ? store.changes().subscribe(sel.view().mailboxId, () -> ring.accept(System.nanoTime()))
                : null;
        notify.doorbell(() -> ring.accept(System.nanoTime())); // RFC 5465 §4: same events
        IdleFanOut.Waiter waiter = viaFanOut && session instanceof SessionState.Selected sel
                ? fanOut.enter(sel.view(), sync, ctx, ring) : null;
        try {
            // the continuation only once subscribed: a change made as soon as the client sees it rings
            out.continuation("idling");
            notify.deliver(state, true);
            if (session instanceof SessionState.Selected sel && mailboxes.mayStillRead(sel)) {
                sync.sync(sel.view(), true); // changes between the last command and the subscription
            }
            out.flush();
            long deadline = System.nanoTime() + config.idleTimeout().toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                Wake wake;
                if (waiter != null) {
                    waiter.park();
                }
                try {
                    wake = left <= 0 ? null : wakeups.poll(left, TimeUnit.NANOSECONDS);
                } finally {
                    if (waiter != null) {
                        waiter.unpark();
                    }
                }
                switch (wake) {
                    case null -> throw new ImapException.Bye("IDLE timed out");
                    case Wake.Changed c -> {
                        // coalesce: the newest ring bounds which shared query may answer (SharedChanges)
                        long rung = c.nanos();
                        for (Wake w : wakeups) {
                            if (w instanceof Wake.Changed later && later.nanos() - rung > 0) {
                                rung = later.nanos();
                            }
                        }
                        wakeups.removeIf(w -> w instanceof Wake.Changed);
                        notify.deliver(state, true);
                        out.flush();
                        if (session instanceof SessionState.Selected sel && mailboxes.mayStillRead(sel)) {
                            sync.syncAfterWake(sel.view(), fanOut.shared(), rung);
                            out.flush();
                        }
                    }
                    case Wake.Line l when l.text().equalsIgnoreCase("DONE") -> {
                        return;
                    }
                    case Wake.Line l -> throw new ImapException.Bad("expected DONE");
                    case Wake.ReadFailed f -> {
                        if (f.cause() instanceof SocketTimeoutException) {
                            throw new ImapException.Bye("IDLE timed out");
                        }
                        throw f.cause();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImapException.Bye("server shutting down");
        } finally {
            if (waiter != null) {
                waiter.leave();
            }
            if (subscription != null) {
                subscription.close();
            }
            notify.doorbell(null);
        }
    }

    // ---- capabilities (RFC 9051 §7.2.2) ----

    private List<String> capabilities() {
        return capabilitiesFor(state);
    }

    private List<String> capabilitiesFor(SessionState s) {
        List<String> caps = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2", "LITERAL+", "SASL-IR", "ENABLE", "ID"));
        if (s instanceof SessionState.NotAuthenticated) {
            if (connection.tlsAvailable() && !connection.isTls()) {
                caps.add("STARTTLS");
            }
            if (plaintextAuthAllowed()) {
                caps.add("AUTH=PLAIN");
                caps.add("AUTH=LOGIN");
            } else {
                caps.add("LOGINDISABLED");
            }
            return caps;
        }
        caps.addAll(List.of("IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN", "SPECIAL-USE",
                "CREATE-SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "SEARCHRES", "STATUS=SIZE",
                "APPENDLIMIT=" + config.appendLimit(), "BINARY", "MULTIAPPEND", "CONDSTORE", "QRESYNC",
                "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "COMPRESS=DEFLATE",
                "ACL", "RIGHTS=kxte",
                "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"));
        if (s instanceof SessionState.LoggedIn l && config.isAdmin(l.account().address())) {
            caps.add("QUOTASET"); // RFC 9208 §4.1.3: SETQUOTA works for administrators only
        }
        caps.addAll(MetadataCommands.capabilities());
        caps.addAll(List.of("OBJECTID", "SAVEDATE"));
        caps.add("NOTIFY"); // RFC 5465
        return caps;
    }

    static Duration orDefault(Duration d, Duration def) {
        return d == null ? def : d;
    }

    static Map<String, String> none() {
        return Map.of();
    }
}
