package jotmai.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.delivery.DeliveryConfig;
import jotmai.delivery.Route;
import jotmai.delivery.TlsMode;
import jotmai.server.config.ConfigException;
import jotmai.server.config.ConfigLoader;

/** The delivery.* keys as they reach jotmai-delivery's DeliveryConfig. */
class DeliveryConfigsTest {

    @TempDir
    Path data;

    private DeliveryConfig load(String... sets) {
        return DeliveryConfigs.of(ConfigLoader.load(Optional.empty(), List.of(sets)), "mx.example.com", data);
    }

    @Test
    void theDefaultsAreDeliveryConfigsDefaults() {
        DeliveryConfig c = load();
        DeliveryConfig d = DeliveryConfig.defaults();

        assertThat(c.retrySchedule()).isEqualTo(d.retrySchedule());
        assertThat(c.retryInterval()).isEqualTo(d.retryInterval());
        assertThat(c.maxAge()).isEqualTo(d.maxAge());
        assertThat(c.delayWarning()).isEqualTo(d.delayWarning());
        assertThat(c.maxConnections()).isEqualTo(d.maxConnections());
        assertThat(c.maxPerDomain()).isEqualTo(d.maxPerDomain());
        assertThat(c.defaultTls()).isEqualTo(TlsMode.OPPORTUNISTIC);
        assertThat(c.resolver()).isEmpty();
        assertThat(c.relayHost()).isEmpty();
        assertThat(c.helloName()).isEqualTo("mx.example.com");
        assertThat(c.dataDir()).isEqualTo(data);
    }

    @Test
    void routesRelayWithPasswordFileTlsAndRetriesAreMapped() throws Exception {
        Path secret = Files.writeString(data.resolve("relay.pw"), "s3cret\nignored\n");
        DeliveryConfig c = load("delivery.routes=Remote.TEST=127.0.0.1:2525, other.test=[::1]",
                "delivery.relay-host=smarthost.example:587", "delivery.relay-user=acct",
                "delivery.relay-password-file=" + secret, "delivery.tls=required",
                "delivery.tls-policies=old.example=none", "delivery.retry-schedule=1m, 2m",
                "delivery.retry-interval=1h", "delivery.max-per-domain=2", "delivery.resolver=127.0.0.1:5353",
                "delivery.dkim=false");

        assertThat(c.staticRoutes()).containsEntry("remote.test", Route.of("127.0.0.1", 2525))
                .containsEntry("other.test", Route.of("::1", 25));
        Route relay = c.relayHost().orElseThrow();
        assertThat(relay.host()).isEqualTo("smarthost.example");
        assertThat(relay.port()).isEqualTo(587);
        assertThat(relay.auth().orElseThrow().password()).isEqualTo("s3cret");
        assertThat(relay.auth().orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(c.tlsFor("any.example")).isEqualTo(TlsMode.REQUIRED);
        assertThat(c.tlsFor("old.example")).isEqualTo(TlsMode.NONE);
        assertThat(c.retrySchedule()).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2));
        assertThat(c.retryInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(c.maxPerDomain()).isEqualTo(2);
        assertThat(c.resolver().orElseThrow().getPort()).isEqualTo(5353);
        assertThat(c.dkimSign()).isFalse();
        assertThat(c.dataDir()).isEqualTo(data);
    }

    @Test
    void malformedDeliveryValuesAreConfigErrors() {
        assertThatThrownBy(() -> load("delivery.tls=sometimes")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("delivery.tls");
        assertThatThrownBy(() -> load("delivery.routes=remote.test")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("DOMAIN=VALUE");
        assertThatThrownBy(() -> load("delivery.routes=remote.test=host:99999")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> load("delivery.retry-schedule=5m, soon")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> load("delivery.relay-user=acct", "delivery.relay-host=h:25"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("password-file");
    }
}
