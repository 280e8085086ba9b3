package jotmai.shared.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's current TLS context, built from a PEM certificate chain and private key (certbot's
 * fullchain.pem + privkey.pem) and rebuilt when those files change, so a renewed certificate is used
 * without a restart (issue 2). Listeners call {@link #get()} for every new TLS connection; at most once
 * per {@link #DEFAULT_CHECK_INTERVAL} that call looks at the files' modification times, sizes and real
 * paths (certbot's live/ names are symlinks into archive/). A new pair that cannot be loaded (half
 * written, key not matching the chain) is logged as an error and the previous context stays in use;
 * it is tried again when the files change again.
 *
 * <p>Sockets made from these contexts must get {@link TlsPolicy#applyServer} (the listener and
 * {@code Connection.startTls} do): that is where TLS 1.2/1.3 and the cipher suites are enforced.
 */
public final class TlsContextProvider implements Supplier<SSLContext> {
    private static final Logger log = LoggerFactory.getLogger(TlsContextProvider.class);

    /** How often {@link #get()} may look at the files; a stat of two files is cheap, but not per connection. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

    static {
        // TLS 1.2 client-initiated renegotiation is a CPU-exhaustion lever and has no use for mail
        // clients (issue 9; TLS 1.3 has no renegotiation at all). The JDK reads this once, when its
        // server handshake code is first used, which happens after a provider exists. An explicit
        // -D setting by the operator wins.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }

    private record Stamp(Path certReal, FileTime certTime, long certSize, Path keyReal, FileTime keyTime,
                         long keySize) {}

    private record Loaded(SSLContext context, X509Certificate[] chain) {}

    private final Path certChain;
    private final Path privateKey;
    private final long checkIntervalNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private volatile Loaded current;
    private volatile Stamp lastSeen;
    private volatile long lastCheck;

    TlsContextProvider(Path certChain, Path privateKey, Duration checkInterval, LongSupplier nanoTime) {
        this.certChain = certChain;
        this.privateKey = privateKey;
        this.checkIntervalNanos = checkInterval.toNanos();
        this.nanoTime = nanoTime;
        try {
            this.lastSeen = stamp();
            this.current = load();
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsSetupException("cannot use TLS certificate " + certChain + " with key " + privateKey
                    + ": " + e.getMessage(), e);
        }
        this.lastCheck = nanoTime.getAsLong();
        log.info("TLS certificate loaded from {}: {}", certChain, describe(current.chain()[0]));
    }

    /**
     * Loads the chain and key now (failing with a {@link TlsSetupException} that names the file and
     * problem) and watches them for changes from then on.
     */
    public static TlsContextProvider fromPem(Path certChain, Path privateKey) {
        return new TlsContextProvider(certChain, privateKey, DEFAULT_CHECK_INTERVAL, System::nanoTime);
    }

    /** With a chosen check interval; zero checks on every call (tests). */
    public static TlsContextProvider fromPem(Path certChain, Path privateKey, Duration checkInterval) {
        return new TlsContextProvider(certChain, privateKey, checkInterval, System::nanoTime);
    }

    /**
     * A self-signed certificate for {@code hostname}, generated under {@code dataDir/tls/} on first start
     * and reused afterwards (regenerated when it expires within 30 days or names another host).
     */
    public static TlsContextProvider selfSigned(Path dataDir, String hostname) {
        SelfSigned.PemPair files = SelfSigned.ensure(dataDir.resolve("tls"), hostname);
        return fromPem(files.certChain(), files.privateKey());
    }

    /** The current context, reloading first if the files changed (checked at most once per interval). */
    @Override
    public SSLContext get() {
        long now = nanoTime.getAsLong();
        if (now - lastCheck >= checkIntervalNanos && reloadLock.tryLock()) {
            try {
                lastCheck = now;
                reloadIfChanged();
            } finally {
                reloadLock.unlock();
            }
        }
        return current.context();
    }

    /** The certificate chain in use, leaf first. */
    public X509Certificate[] chain() {
        return current.chain().clone();
    }

    public Path certChainPath() {
        return certChain;
    }

    private void reloadIfChanged() {
        Stamp stamp;
        try {
            stamp = stamp();
        } catch (IOException e) {
            // Missing for a moment while being replaced: look again at the next check.
            log.warn("TLS certificate files not readable now, keeping the current certificate: {}", e.toString());
            return;
        }
        if (stamp.equals(lastSeen)) {
            return;
        }
        lastSeen = stamp;
        try {
            current = load();
            log.info("TLS certificate reloaded from {}: {}", certChain, describe(current.chain()[0]));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.error("TLS certificate {} or key {} changed but cannot be used, keeping the previous one: {}",
                    certChain, privateKey, e.getMessage());
        }
    }

    private Stamp stamp() throws IOException {
        return new Stamp(certChain.toRealPath(), Files.getLastModifiedTime(certChain), Files.size(certChain),
                privateKey.toRealPath(), Files.getLastModifiedTime(privateKey), Files.size(privateKey));
    }

    private Loaded load() throws IOException, GeneralSecurityException {
        PemFiles.KeyAndChain kc = PemFiles.load(certChain, privateKey);
        // An in-memory keystore only carries the pair to the key manager; its password protects nothing.
        char[] password = "jotmai".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", kc.key(), password, kc.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return new Loaded(context, kc.chain());
    }

    private static String describe(X509Certificate leaf) {
        return leaf.getSubjectX500Principal().getName() + ", expires " + leaf.getNotAfter().toInstant();
    }
}
