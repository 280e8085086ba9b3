package jotmai.imap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.shared.auth.Authenticator;
import jotmai.shared.net.Listener;
import jotmai.shared.net.ListenerConfig;
import jotmai.store.Store;

/**
 * The IMAP server: binds the configured listeners (143 with STARTTLS, 993 implicit TLS) and runs one
 * {@link ImapSession} per connection on its own virtual thread.
 */
public final class ImapServer implements AutoCloseable {
    private final ImapConfig config;
    private final Store store;
    private final Authenticator auth;
    private final Supplier<SSLContext> tls;
    /** A BYE greeting (RFC 9051 §7.1.5, UNAVAILABLE from RFC 5530 §3) for a connection over the limits. */
    static final String TOO_MANY_CONNECTIONS = "* BYE [UNAVAILABLE] Too many connections, try again later\r\n";
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private IdleFanOut fanOut;

    public ImapServer(ImapConfig config, Store store, Authenticator auth, Supplier<SSLContext> tls) {
        this.config = config;
        this.store = store;
        this.auth = auth;
        this.tls = tls;
    }

    /** Binds every enabled listener. */
    public void start() throws IOException {
        IdleFanOut idle = new IdleFanOut(store.changes(), new SharedChanges(store.mail()));
        fanOut = idle;
        Path spool = config.spoolDir() != null ? config.spoolDir() : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            for (ListenerConfig lc : new ListenerConfig[] {config.imap(), config.imaps()}) {
                if (lc == null) {
                    continue;
                }
                if (lc.implicitTls() && tls == null) {
                    throw new IOException(lc.name() + ": implicit TLS needs a TLS context");
                }
                listeners.add(new Listener(lc, tls, connection ->
                        new ImapSession(connection, config, store, auth, spool, idle).run(), TOO_MANY_CONNECTIONS));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The IDLE fan-out of the running server (tests register an idler on it directly). */
    IdleFanOut fanOut() {
        return fanOut;
    }

    public List<Listener> listeners() {
        return new ArrayList<>(listeners);
    }

    /** Stops accepting and closes sessions after the grace period. */
    public void close(long graceMillis) {
        for (Listener l : listeners) {
            l.close(graceMillis);
        }
        listeners.clear();
        if (fanOut != null) {
            fanOut.close();
        }
    }

    @Override
    public void close() {
        close(0);
    }
}
