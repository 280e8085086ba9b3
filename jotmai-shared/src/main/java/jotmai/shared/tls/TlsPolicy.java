package jotmai.shared.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The protocol versions and cipher suites every Jotmai TLS server socket uses: TLS 1.2 and 1.3 only
 * (RFC 8996 deprecates 1.0/1.1; RFC 8314 §4.1 asks mail servers for 1.2 or later), and for TLS 1.2
 * only forward-secret AEAD suites, in the order of RFC 9325 §4.2 / Mozilla's "intermediate" profile,
 * with the server's order preferred. TLS 1.3 suites are all AEAD and all allowed.
 */
public final class TlsPolicy {

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Allowed suites in preference order; filtered by what the running JDK supports. */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");

    private TlsPolicy() {
    }

    /** The server-side parameters for sockets of {@code context}. */
    public static SSLParameters serverParameters(SSLContext context) {
        SSLParameters params = context.getDefaultSSLParameters();
        Set<String> supported = Set.of(context.getSupportedSSLParameters().getCipherSuites());
        params.setProtocols(PROTOCOLS.stream()
                .filter(Set.of(context.getSupportedSSLParameters().getProtocols())::contains)
                .toArray(String[]::new));
        params.setCipherSuites(CIPHER_SUITES.stream().filter(supported::contains).toArray(String[]::new));
        params.setUseCipherSuitesOrder(true);
        // We never ask for client certificates; clients authenticate with SASL.
        params.setNeedClientAuth(false);
        params.setWantClientAuth(false);
        return params;
    }

    /** Puts a freshly created server socket into server mode with the policy's parameters. */
    public static void applyServer(SSLSocket socket, SSLContext context) {
        socket.setUseClientMode(false);
        socket.setSSLParameters(serverParameters(context));
    }

    /** For tests and logs: the enabled protocols of a socket. */
    static List<String> enabled(SSLSocket socket) {
        return Arrays.asList(socket.getEnabledProtocols());
    }
}
