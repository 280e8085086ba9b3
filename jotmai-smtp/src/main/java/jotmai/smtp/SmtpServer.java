package jotmai.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.shared.auth.Authenticator;
import jotmai.shared.net.Listener;
import jotmai.shared.net.ListenerConfig;
import jotmai.store.Store;

/**
 * The SMTP server: binds the MX, submission, implicit-TLS submission and LMTP listeners that the
 * configuration enables and runs one {@link SmtpSession} per connection.
 */
public final class SmtpServer implements AutoCloseable {
    private final SmtpConfig config;
    private final Store store;
    private final Authenticator auth;
    private final Supplier<SSLContext> tls;
    private final List<Listener> listeners = new ArrayList<>();
    private final RecipientPolicy policy;
    private final Delivery delivery;
    private final SendRateLimiter rateLimiter;
    private final Networks trusted;
    private final MxAuthentication mxAuthentication;
    /** Written to a connection over a listener's connection limits before closing it (RFC 5321 §3.8). */
    static final String TOO_MANY_CONNECTIONS = "421 4.7.0 Too many connections, try again later\r\n";

    /**
     * @param tls the current TLS context; null (or a supplier of null) when TLS is not configured
     */
    public SmtpServer(SmtpConfig config, Store store, Authenticator auth, Supplier<SSLContext> tls) {
        this(config, store, auth, tls, () -> { });
    }

    /**
     * @param tls      the current TLS context; null (or a supplier of null) when TLS is not configured
     * @param onQueued called after a message for remote recipients is in the queue (on stable storage), so
     *                 the outbound runner can start at once instead of at its next poll; must not block
     */
    public SmtpServer(SmtpConfig config, Store store, Authenticator auth, Supplier<SSLContext> tls,
                      Runnable onQueued) {
        this(config, store, auth, tls, onQueued, InboundAuth.off());
    }

    /**
     * @param inbound DKIM verification and Authentication-Results handling on the MX listener (RFC 8601)
     */
    public SmtpServer(SmtpConfig config, Store store, Authenticator auth, Supplier<SSLContext> tls,
                      Runnable onQueued, InboundAuth inbound) {
        this.mxAuthentication = new MxAuthentication(inbound);
        this.config = config;
        this.store = store;
        this.auth = auth;
        this.tls = tls;
        this.policy = new RecipientPolicy(store.accounts(), store.mail());
        this.delivery = new Delivery(store, onQueued);
        this.rateLimiter = new SendRateLimiter(config.messagesPerHourPerUser(), Clock.systemUTC());
        this.trusted = new Networks(config.trustedNetworks());
    }

    /** Binds every enabled listener. */
    public void start() throws IOException {
        Path staging = config.stagingDirectory().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        Files.createDirectories(staging); // fail at start, not in the middle of a client's DATA
        try {
            bind(config.mx(), ListenerKind.MX, staging);
            bind(config.submission(), ListenerKind.SUBMISSION, staging);
            bind(config.submissions(), ListenerKind.SUBMISSIONS, staging);
            bind(config.lmtp(), ListenerKind.LMTP, staging);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void bind(List<ListenerConfig> configs, ListenerKind kind, Path staging) throws IOException {
        for (ListenerConfig listener : configs) {
            bind(listener, kind, staging);
        }
    }

    private void bind(ListenerConfig listener, ListenerKind kind, Path staging) throws IOException {
        SmtpContext ctx = new SmtpContext(config, kind, auth, policy, delivery, rateLimiter, trusted, staging,
                mxAuthentication);
        Supplier<SSLContext> context = tls == null || tls.get() == null ? null : tls;
        if (context == null && listener.implicitTls()) {
            throw new IllegalStateException(listener.name() + " uses implicit TLS but no TLS context is configured");
        }
        listeners.add(new Listener(listener, context, connection -> new SmtpSession(ctx, connection).run(),
                TOO_MANY_CONNECTIONS));
    }

    /** The bound listeners, in the order MX, submission, submissions, LMTP (those enabled). */
    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** The bound listener with this name (as in its {@link ListenerConfig#name()}). */
    public Optional<Listener> listener(String name) {
        return listeners.stream().filter(l -> l.config().name().equals(name)).findFirst();
    }

    /** Stops accepting and gives running sessions up to {@code graceMillis} to finish. */
    public void close(long graceMillis) {
        for (Listener l : listeners) {
            l.close(graceMillis);
        }
        listeners.clear();
    }

    @Override
    public void close() {
        close(0);
    }
}
