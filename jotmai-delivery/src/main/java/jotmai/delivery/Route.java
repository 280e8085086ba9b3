package jotmai.delivery;

import java.util.Optional;

/**
 * A fixed next hop: a static route for one domain, or the relay host for all. {@code auth} is the
 * SMTP AUTH login for a relay host (RFC 4954, PLAIN or LOGIN, only over TLS unless the host is a
 * loopback address).
 */
public record Route(String host, int port, Optional<Credentials> auth) {

    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + "]"; // never the password
        }
    }

    public static Route of(String host, int port) {
        return new Route(host, port, Optional.empty());
    }
}
