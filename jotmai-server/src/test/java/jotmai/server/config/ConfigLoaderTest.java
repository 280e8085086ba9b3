package jotmai.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsGiveEveryListenerItsWellKnownPortOnAllAddresses() {
        JotmaiConfig config = JotmaiConfig.defaults();

        assertThat(config.listeners()).extracting(l -> l.def().name() + ":" + l.port())
                .containsExactly("smtp:25", "submission:587", "submissions:465", "lmtp:24", "imap:143", "imaps:993",
                        "pop3:110", "pop3s:995");
        assertThat(config.listener(ListenerDef.LMTP).enabled()).as("LMTP is off unless asked for").isFalse();
        assertThat(config.listener(ListenerDef.LMTP).bind()).containsExactly("127.0.0.1");
        assertThat(config.listeners()).filteredOn(l -> l.def() != ListenerDef.LMTP).allSatisfy(l -> {
            assertThat(l.enabled()).isTrue();
            assertThat(l.bind()).containsExactly("*");
        });
        assertThat(config.store().type()).isEqualTo("sqlite");
        assertThat(config.tls().cert()).isEmpty();
        assertThat(config.smtp().maxMessageSize()).isEqualTo(50L << 20);
        assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void fileValuesOverrideDefaultsAndSetOverridesTheFile() throws IOException {
        Path file = write("""
                # a comment
                imap.port = 1143

                imap.bind = 127.0.0.1, ::1
                pop3.enabled = false
                smtp.max-message-size = 10M
                server.shutdown-grace = 2s
                """);

        JotmaiConfig config = ConfigLoader.load(Optional.of(file), List.of("imap.port=2143", "server.hostname = mx.example.org"));

        assertThat(config.listener(ListenerDef.IMAP).port()).isEqualTo(2143);
        assertThat(config.listener(ListenerDef.IMAP).bind()).containsExactly("127.0.0.1", "::1");
        assertThat(config.listener(ListenerDef.POP3).enabled()).isFalse();
        assertThat(config.smtp().maxMessageSize()).isEqualTo(10L << 20);
        assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.server().hostname()).isEqualTo("mx.example.org");
    }

    @Test
    void portOffsetMovesEveryListenerButLeavesPortZeroAlone() {
        JotmaiConfig config = ConfigLoader.load(Optional.empty(), List.of("ports.offset=10000", "pop3s.port=0"));

        assertThat(config.listener(ListenerDef.SMTP).port()).isEqualTo(10025);
        assertThat(config.listener(ListenerDef.IMAPS).port()).isEqualTo(10993);
        assertThat(config.listener(ListenerDef.POP3S).port()).isZero();
    }

    @Test
    void unknownKeyInTheFileNamesFileAndLine() throws IOException {
        Path file = write("imap.port = 143\nimap.prot = 1143\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: unknown setting 'imap.prot' (see docs/CONFIG.md)");
    }

    @Test
    void malformedValuesAreErrorsNotDefaults() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("imap.port=99999")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("imap.port").hasMessageContaining("65535");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("pop3.enabled=maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("server.shutdown-grace=10")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("imap.port")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("key=value");
    }

    @Test
    void lineWithoutEqualsSignIsRejected() throws IOException {
        Path file = write("imap.port 143\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(":1: expected 'key = value'");
    }

    @Test
    void missingConfigFileIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.conf")), List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
    }

    @Test
    void sharedSeenIsPerUserByDefaultAndCanBeShared() {
        assertThat(ConfigLoader.load(Optional.empty(), List.of()).imap().perUserSeen()).isTrue();
        assertThat(ConfigLoader.load(Optional.empty(), List.of("imap.shared-seen = shared")).imap().perUserSeen())
                .isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("imap.shared-seen=everyone")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("per-user or shared");
    }

    @Test
    void imapAdminsAreAddressesInLowerCaseAndNoneByDefault() {
        assertThat(ConfigLoader.load(Optional.empty(), List.of()).imap().admins()).isEmpty();
        assertThat(ConfigLoader.load(Optional.empty(), List.of("imap.admins = PostMaster@Example.com, ops@example.com"))
                .imap().admins()).containsExactly("postmaster@example.com", "ops@example.com");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("imap.admins = postmaster")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not an account address");
    }

    @Test
    void certificateWithoutKeyIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("tls.cert=/etc/cert.pem")))
                .isInstanceOf(ConfigException.class).hasMessage("tls.cert and tls.key must be set together");
    }

    @Test
    void offsetThatPushesAPortPast65535IsRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), List.of("imaps.port=60000", "ports.offset=10000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("above 65535");
    }

    @Test
    void sizesAcceptUnitsAndDurationsNeedOne() {
        assertThat(ValueType.SIZE.parse("64K")).isEqualTo(65_536L);
        assertThat(ValueType.SIZE.parse("2GB")).isEqualTo(2L << 30);
        assertThat(ValueType.SIZE.parse("123")).isEqualTo(123L);
        assertThat(ValueType.DURATION.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ValueType.DURATION.parse("1d")).isEqualTo(Duration.ofDays(1));
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("jotmai.conf");
        Files.writeString(file, text);
        return file;
    }
}
