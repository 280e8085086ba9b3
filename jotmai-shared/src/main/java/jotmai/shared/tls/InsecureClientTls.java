package jotmai.shared.tls;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Tests only: a client TLS context that trusts any server certificate, so tests can talk to a server
 * using a self-signed certificate. Never use it in production code: it disables server authentication.
 */
public final class InsecureClientTls {

    private InsecureClientTls() {
    }

    /** Tests only: a client context trusting every certificate. */
    public static SSLContext trustAllClientContext() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                // tests only
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // tests only
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS not available in this JVM", e);
        }
    }
}
