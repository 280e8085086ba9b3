package jotmai.server;

import java.nio.file.Path;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import jotmai.server.config.JotmaiConfig;
import jotmai.shared.tls.TlsContextProvider;

/**
 * The TLS context every listener uses: from the configured PEM files (reloaded when they change, so a
 * certbot renewal needs no restart), or a self-signed certificate kept in {@code <data>/tls/} when none
 * is configured (issue 2: "the log says so").
 */
final class TlsSetup {
    private TlsSetup() {
    }

    /** @throws jotmai.shared.tls.TlsSetupException when the configured files cannot be used */
    static Supplier<SSLContext> context(JotmaiConfig config, Path dataDir, String hostname) {
        JotmaiConfig.TlsSettings tls = config.tls();
        if (tls.cert().isPresent() && tls.key().isPresent()) {
            return TlsContextProvider.fromPem(tls.cert().get(), tls.key().get());
        }
        // jotmai.shared.tls.SelfSigned logs whether it generated a certificate or reuses the earlier one
        return TlsContextProvider.selfSigned(dataDir, hostname);
    }
}
