package jotmai.server;

import java.nio.file.Path;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.server.config.JotmaiConfig;

/**
 * The TLS context every listener uses: from the configured PEM files (reloaded when they change), or a
 * self-signed certificate kept in {@code <data>/tls/} when none is configured.
 */
final class TlsSetup {

    /** Where the generated self-signed certificate and key live inside the data directory. */
    static final String SELF_SIGNED_DIR = "tls";

    private TlsSetup() {
    }

    static Supplier<SSLContext> context(JotmaiConfig config, Path dataDir, String hostname) {
        // WIRING SPOT (tls): jotmai.shared.tls.TlsContextProvider.fromPem(cert, key) when config.tls()
        // names files, else TlsContextProvider.selfSigned(dataDir.resolve(SELF_SIGNED_DIR), hostname).
        // Until that class exists there is no TLS: STARTTLS/STLS are not offered and implicit-TLS
        // listeners drop connections.
        return () -> null;
    }
}
