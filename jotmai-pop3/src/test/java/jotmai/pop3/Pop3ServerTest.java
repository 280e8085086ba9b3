package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.net.ListenerConfig;

class Pop3ServerTest {

    @TempDir
    Path dir;

    @Test
    void defaultsListenOn110And995WithTheRfcMinimumAutologoutTimer() {
        Pop3Config d = Pop3Config.defaults();
        assertThat(d.pop3()).singleElement().satisfies(l -> {
            assertThat(l.address().getPort()).isEqualTo(110);
            assertThat(l.implicitTls()).isFalse();
        });
        assertThat(d.pop3s()).singleElement().satisfies(l -> {
            assertThat(l.address().getPort()).isEqualTo(995);
            assertThat(l.implicitTls()).isTrue();
        });
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.expireDays()).isEmpty();
        assertThat(d.loginDelay()).isZero();
        assertThat(d.allowPlaintextAuth()).isFalse();
        assertThat(d.hideSeenOverImap()).isFalse();
    }

    @Test
    void configurationMistakesAreRefusedEarly() {
        Pop3Config d = Pop3Config.loopback();
        assertThatThrownBy(() -> d.withListeners(List.of(ListenerConfig.loopback("pop3", true)), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withListeners(List.of(), List.of(ListenerConfig.loopback("pop3s", false))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pop3Config(List.of(), List.of(), false, false, java.util.OptionalInt.empty(),
                Duration.ZERO, Duration.ofMinutes(1), false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pop3sWithoutTlsCannotStartAndClosingFreesThePorts() throws Exception {
        try (Pop3Fixture fx = new Pop3Fixture(dir)) {
            Pop3Server noTls = new Pop3Server(Pop3Config.loopback(), fx.store, fx.authenticator(), null);
            assertThatThrownBy(noTls::start).isInstanceOf(IllegalStateException.class);

            Pop3Server plainOnly = new Pop3Server(Pop3Config.loopback().withListeners(
                    List.of(ListenerConfig.loopback("pop3", false)), List.of()), fx.store, fx.authenticator(), null);
            plainOnly.start();
            int port = plainOnly.listeners().getFirst().port();
            try (Pop3TestClient c = Pop3TestClient.connect(port)) {
                assertThat(c.command("CAPA")).startsWith("+OK");
                assertThat(c.readMultiLine()).doesNotContain("STLS");
                assertThat(c.command("STLS")).isEqualTo("-ERR TLS not available");
            }
            plainOnly.close(1000);
            assertThat(plainOnly.listeners()).isEmpty();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }
}
