package jotmai.delivery;

import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.store.Store;

/**
 * Outbound delivery as one object for the server: {@link #start()} runs the queue runner,
 * {@link #close()} stops it (in-flight deliveries end by their timeouts; their leases make them
 * claimable again after a restart). {@code clientTls} supplies the context for STARTTLS; null means
 * the JDK default (certificates verified against the system trust store).
 */
public final class DeliveryService implements AutoCloseable {

    private final Store store;
    private final QueueRunner runner;

    public DeliveryService(DeliveryConfig config, Store store, Supplier<SSLContext> clientTls) {
        this(config, store, clientTls, new DnsjavaDns(config.resolver()), Clock.systemUTC());
    }

    DeliveryService(DeliveryConfig config, Store store, Supplier<SSLContext> clientTls, Dns dns, Clock clock) {
        this.store = store;
        Supplier<SSLContext> tls = clientTls != null ? clientTls : DeliveryService::defaultTls;
        this.runner = new QueueRunner(config, store, new Router(config, dns), new OutboundSigner(config.dataDir(), config.dkimSign(), clock),
                new Bouncer(store, config.helloName()), tls, clock);
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** See {@link QueueRunner#IDLE_REUSE}; for tests. */
    DeliveryService idleReuse(java.time.Duration d) {
        runner.idleReuse(d);
        return this;
    }

    /** Open connections waiting for more mail; for tests. */
    int idleConnections() {
        return runner.idleConnections();
    }

    public void start() {
        runner.start();
    }

    /** Try every queued message now ({@code jotmai queue flush}; also after an enqueue). */
    public void flush() {
        QueueAdmin.flush(store.queue());
        runner.wake();
    }

    /** Look for due messages now (cheap; SMTP may call it after enqueue). */
    public void wake() {
        runner.wake();
    }

    @Override
    public void close() {
        runner.close();
    }
}
