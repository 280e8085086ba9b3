package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.net.ListenerConfig;

/**
 * RFC 2595 §2.1: no cleartext passwords over a cleartext connection from a non-loopback address. Uses
 * the machine's own non-loopback address, so the server sees a non-loopback peer.
 */
class PlaintextPolicyTest {

    @TempDir
    Path dir;

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (nif.isUp() && !nif.isLoopback()) {
                for (InetAddress a : nif.inetAddresses().toList()) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void passwordsAreRefusedBeforeStlsFromNonLoopbackPeers() throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        Assumptions.assumeTrue(address.isPresent(), "no non-loopback IPv4 address on this machine");
        try (Pop3Fixture fx = new Pop3Fixture(dir)) {
            fx.account("alice", "secret");
            ListenerConfig onLan = new ListenerConfig("pop3", new InetSocketAddress(address.get(), 0), false,
                    100, 10, 50, Duration.ofSeconds(30));
            fx.start(Pop3Config.loopback().withListeners(List.of(onLan), List.of()));
            try (Pop3TestClient c = Pop3TestClient.connect(new Socket(address.get(), fx.pop3Port()))) {
                assertThat(c.command("CAPA")).startsWith("+OK");
                assertThat(c.readMultiLine()).contains("STLS").doesNotContain("USER", "SASL PLAIN LOGIN");
                assertThat(c.command("USER alice@example.test")).isEqualTo("-ERR [AUTH] use STLS before sending a password");
                assertThat(c.command("AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABzZWNyZXQ=")).startsWith("-ERR [AUTH]");
                assertThat(c.command("STLS")).startsWith("+OK");
                c.startTls();
                c.login("alice@example.test", "secret");
            }
        }
    }
}
