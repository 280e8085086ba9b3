package jotmai.server.config;

import java.util.List;

/**
 * Settings of the protocol servers that are not about listeners; mapped onto each module's config
 * record (SmtpConfig, ImapConfig, Pop3Config) by jotmai.server.ProtocolConfigs.
 */
final class ProtocolKeys {

    static final ConfigKey<Long> SMTP_MAX_MESSAGE_SIZE = new ConfigKey<>("smtp.max-message-size", ValueType.SIZE,
            "50M", "Largest message accepted (advertised as SIZE, RFC 1870; enforced while reading DATA).");
    static final ConfigKey<Integer> SMTP_MAX_RECIPIENTS = new ConfigKey<>("smtp.max-recipients", ValueType.COUNT,
            "100", "Recipients allowed per message; more get 452 4.5.3 (RFC 5321 §4.5.3.1.8).");

    static final List<ConfigKey<?>> ALL = List.of(SMTP_MAX_MESSAGE_SIZE, SMTP_MAX_RECIPIENTS);

    private ProtocolKeys() {
    }
}
