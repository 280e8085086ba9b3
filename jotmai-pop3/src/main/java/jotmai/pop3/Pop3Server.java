package jotmai.pop3;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.shared.auth.Authenticator;
import jotmai.shared.net.Connection;
import jotmai.shared.net.Listener;
import jotmai.shared.net.ListenerConfig;
import jotmai.shared.net.PlatformThreadSlots;
import jotmai.store.Store;

/**
 * The POP3 service: binds the enabled listeners (110 with STLS, 995 with implicit TLS) and runs one
 * {@link Pop3Session} per connection on the listener's virtual thread.
 */
public final class Pop3Server implements AutoCloseable {

    private final Pop3Config config;
    private final Supplier<SSLContext> tls;
    /** Instead of the greeting, for a connection over the limits (SYS/TEMP: RFC 3206 §4). */
    static final String TOO_MANY_CONNECTIONS = "-ERR [SYS/TEMP] Too many connections, try again later\r\n";
    /**
     * POP3 sessions that run on platform threads at once (pop3 and pop3s together); further ones run on
     * virtual threads. A download is one command after another, each waking a parked virtual thread
     * through the JDK's poller and a carrier; a platform thread blocked in read() is woken by the kernel
     * directly, which took 10-38% off the server's CPU per 5 KB RETR (docs/BENCHMARKS.md, POP3, session
     * 6). Sessions are short (log in, download, quit), so a few dozen at once cover a busy server; the
     * bound keeps the kernel threads few (see {@link PlatformThreadSlots}).
     */
    static final int SESSIONS_ON_PLATFORM_THREADS = 64;

    private final SessionContext context;
    private final PlatformThreadSlots platformThreads = new PlatformThreadSlots(SESSIONS_ON_PLATFORM_THREADS);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param tls the current TLS context (reloadable); null when TLS is not configured, in which case
     *            STLS is not offered and a pop3s listener cannot start
     */
    public Pop3Server(Pop3Config config, Store store, Authenticator auth, Supplier<SSLContext> tls) {
        this(config, store, auth, tls, Clock.systemUTC());
    }

    /** With an explicit clock, so that tests can move time for EXPIRE and LOGIN-DELAY. */
    public Pop3Server(Pop3Config config, Store store, Authenticator auth, Supplier<SSLContext> tls, Clock clock) {
        this.config = config;
        this.tls = tls;
        this.context = new SessionContext(config, store.mail(), store.accounts(), store.changes(), auth,
                new LoginDelays(store.accounts()), clock);
    }

    /** Binds every enabled listener; on failure the ones already bound are closed again. */
    public void start() throws IOException {
        if (!config.pop3s().isEmpty() && tls == null) {
            throw new IllegalStateException("pop3s is enabled but no TLS context is configured");
        }
        List<Listener> started = new ArrayList<>();
        try {
            for (ListenerConfig listenerConfig : config.pop3()) {
                started.add(new Listener(listenerConfig, tls, this::serve, TOO_MANY_CONNECTIONS, platformThreads));
            }
            for (ListenerConfig listenerConfig : config.pop3s()) {
                started.add(new Listener(listenerConfig, tls, this::serve, null, platformThreads));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(Listener::close);
            throw e;
        }
        listeners.addAll(started);
    }

    private void serve(Connection connection) {
        new Pop3Session(connection, context).run();
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /**
     * Stops accepting and waits up to {@code graceMillis} for sessions to end; the rest are cut off
     * without UPDATE, so nothing uncommitted is deleted.
     */
    public void close(long graceMillis) {
        // All listeners at once, so that the grace period is not spent once per listener.
        List<Thread> closing = new ArrayList<>();
        for (Listener listener : listeners) {
            closing.add(Thread.ofVirtual().name("close-" + listener.config().name()).start(() -> listener.close(graceMillis)));
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        listeners.clear();
    }

    @Override
    public void close() {
        close(0);
    }
}
