package jotmai.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.delivery.DeliveryService;
import jotmai.server.config.JotmaiConfig;
import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Throttle;
import jotmai.shared.auth.Authenticator;
import jotmai.shared.net.Listener;
import jotmai.store.Store;

/**
 * The running protocol servers of one Jotmai process. Starting binds every enabled listener (all or
 * none: if one fails, those already started are stopped again). Closing stops all of them at once, so
 * the grace period for in-flight commands is spent once, not once per protocol. Outbound delivery
 * (jotmai-delivery's queue runner, unless delivery.enabled = false) starts before the listeners, so
 * SMTP can wake it after each enqueue, and stops after them. The store belongs to the caller, who
 * closes it after this.
 */
public final class JotmaiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JotmaiServer.class);

    private final List<ProtocolServer> servers;
    private final Optional<DeliveryService> delivery;

    private JotmaiServer(List<ProtocolServer> servers, Optional<DeliveryService> delivery) {
        this.servers = List.copyOf(servers);
        this.delivery = delivery;
    }

    /**
     * Starts everything the settings enable with the production authenticator (jotmai.shared.auth
     * AuthService: Argon2id, failure throttling shared by all protocols and, through the store's
     * ThrottleStore, by every node on a shared PostgreSQL) and TLS set-up.
     */
    public static JotmaiServer start(JotmaiConfig config, Path dataDir, Store store) {
        Supplier<SSLContext> tls = TlsSetup.context(config, dataDir, hostname(config));
        return start(config, dataDir, store, new AuthService(store, Throttle.Policy.defaults()), tls);
    }

    /**
     * Builds and starts the protocol servers the settings enable.
     *
     * @throws StartException when a listener cannot bind; the message says which and what to do
     */
    public static JotmaiServer start(JotmaiConfig config, Path dataDir, Store store, Authenticator auth,
                                     Supplier<SSLContext> tls) {
        String hostname = hostname(config);
        Optional<DeliveryService> delivery = Optional.empty();
        if (config.delivery().enabled()) {
            DeliveryService service = new DeliveryService(DeliveryConfigs.of(config, hostname, dataDir), store, null);
            service.start();
            delivery = Optional.of(service);
            log.info("outbound delivery running");
        }
        Runnable onQueued = delivery.<Runnable>map(d -> d::wake).orElse(() -> { });
        List<ProtocolServer> started = new ArrayList<>();
        try {
            for (ProtocolServer server : ProtocolConfigs.servers(config, hostname, dataDir, store, auth, tls,
                    onQueued)) {
                try {
                    server.start().start();
                    started.add(server);
                } catch (IOException | RuntimeException e) {
                    started.forEach(s -> s.close().accept(0));
                    server.close().accept(0);
                    throw new StartException(bindFailure(server, e), e);
                }
            }
        } catch (RuntimeException e) {
            delivery.ifPresent(DeliveryService::close);
            throw e;
        }
        if (started.isEmpty()) {
            log.warn("no listener is enabled; nothing to serve");
        }
        return new JotmaiServer(started, delivery);
    }

    /** The host name for greetings and Received headers: the configured one, else the machine's. */
    public static String hostname(JotmaiConfig config) {
        if (!config.server().hostname().isBlank()) {
            return config.server().hostname();
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String bindFailure(ProtocolServer server, Exception e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        String hint = "";
        if (e instanceof BindException && reason.contains("ermission")) {
            hint = " (ports below 1024 need root or CAP_NET_BIND_SERVICE; to try Jotmai as an ordinary user, "
                    + "add --set ports.offset=20000)";
        } else if (e instanceof BindException) {
            hint = " (is another mail server running? move the port with --set <listener>.port=N or turn the "
                    + "listener off with --set <listener>.enabled=false)";
        }
        return "cannot start " + server.name() + " on " + server.bindHint() + ": " + reason + hint;
    }

    /** Every bound listener, e.g. to find the port chosen for port 0. */
    public List<Listener> listeners() {
        return servers.stream().flatMap(s -> s.listeners().get().stream()).toList();
    }

    /** The first listener of that name ("imap", "submission", ...), if it runs. */
    public Optional<Listener> listener(String name) {
        return listeners().stream().filter(l -> l.config().name().equals(name)).findFirst();
    }

    /**
     * Stops accepting on every listener, lets running sessions finish for up to {@code graceMillis},
     * then closes what is left. The protocol servers stop in parallel.
     */
    public void close(long graceMillis) {
        List<Thread> closing = servers.stream()
                .map(s -> Thread.ofVirtual().name("close-" + s.name()).start(() -> s.close().accept(graceMillis)))
                .toList();
        try {
            for (Thread t : closing) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            // after the listeners: nothing can enqueue any more; leases make in-flight messages claimable again
            delivery.ifPresent(DeliveryService::close);
        }
    }

    @Override
    public void close() {
        close(0);
    }

    /** A listener could not be started; the message is one line for the operator. */
    public static final class StartException extends RuntimeException {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
