package jotmai.server.config;

import java.time.Duration;
import java.util.List;

/**
 * Settings of outbound delivery (the queue runner in jotmai-delivery); {@link JotmaiConfig} collects
 * them into {@link JotmaiConfig.DeliverySettings} and jotmai.server.DeliveryConfigs maps them onto
 * jotmai.delivery.DeliveryConfig. The defaults here are DeliveryConfig's defaults.
 */
final class DeliveryKeys {

    static final ConfigKey<Boolean> ENABLED = new ConfigKey<>("delivery.enabled", ValueType.BOOLEAN, "true",
            "Run the outbound queue runner in `jotmai serve` (mail for other domains). With false, queued mail "
                    + "waits until a node with it enabled picks it up.");
    static final ConfigKey<List<String>> RETRY_SCHEDULE = new ConfigKey<>("delivery.retry-schedule",
            ValueType.LIST, "5m, 10m, 30m, 1h, 2h",
            "Delays (durations) after the 1st, 2nd, ... failed attempt; then delivery.retry-interval applies.");
    static final ConfigKey<Duration> RETRY_INTERVAL = new ConfigKey<>("delivery.retry-interval",
            ValueType.DURATION, "4h", "Delay between attempts once delivery.retry-schedule is used up.");
    static final ConfigKey<Duration> MAX_AGE = new ConfigKey<>("delivery.max-age", ValueType.DURATION, "5d",
            "A message still undelivered after this long is returned to its sender (RFC 3464 DSN).");
    static final ConfigKey<Duration> DELAY_WARNING = new ConfigKey<>("delivery.delay-warning", ValueType.DURATION,
            "4h", "Send the sender one delay notice after this long (0s: never).");
    static final ConfigKey<Integer> MAX_CONNECTIONS = new ConfigKey<>("delivery.max-connections", ValueType.COUNT,
            "50", "Concurrent outbound SMTP connections overall.");
    static final ConfigKey<Integer> MAX_PER_DOMAIN = new ConfigKey<>("delivery.max-per-domain", ValueType.COUNT,
            "5", "Concurrent outbound SMTP connections to one destination domain.");
    static final ConfigKey<String> RESOLVER = new ConfigKey<>("delivery.resolver", ValueType.STRING, "",
            "DNS server for MX/A/AAAA lookups (and the MX listener's DKIM key lookups) as HOST or HOST:PORT "
                    + "(port 53 by default). Empty: the system's "
                    + "resolvers.");
    static final ConfigKey<List<String>> ROUTES = new ConfigKey<>("delivery.routes", ValueType.LIST, "",
            "Static routes that bypass MX lookup, as DOMAIN=HOST:PORT items, e.g. "
                    + "`example.net=10.0.0.5:25, example.org=mx.example.org:2525`.");
    static final ConfigKey<String> RELAY_HOST = new ConfigKey<>("delivery.relay-host", ValueType.STRING, "",
            "Smarthost as HOST:PORT: when set, every outbound message goes there (static routes still win). "
                    + "Empty: deliver directly to each domain's MX.");
    static final ConfigKey<String> RELAY_USER = new ConfigKey<>("delivery.relay-user", ValueType.STRING, "",
            "SMTP AUTH user for delivery.relay-host (RFC 4954; sent only over TLS unless the relay is on "
                    + "loopback). Empty: no AUTH.");
    static final ConfigKey<String> RELAY_PASSWORD_FILE = new ConfigKey<>("delivery.relay-password-file",
            ValueType.STRING, "", "File whose first line is the password for delivery.relay-user (kept out of "
                    + "the config file, the command line and the logs).");
    static final ConfigKey<String> TLS = new ConfigKey<>("delivery.tls", ValueType.STRING, "opportunistic",
            "STARTTLS policy for outbound connections: `none`, `opportunistic` (use it when offered) or "
                    + "`required` (defer the message when the peer does not offer it or the handshake fails).");
    static final ConfigKey<List<String>> TLS_POLICIES = new ConfigKey<>("delivery.tls-policies", ValueType.LIST, "",
            "Per-domain exceptions to delivery.tls, as DOMAIN=POLICY items, e.g. `bank.example=required`.");
    static final ConfigKey<Boolean> DKIM = new ConfigKey<>("delivery.dkim", ValueType.BOOLEAN, "true",
            "Sign outbound mail with the DKIM keys in DATA/dkim/DOMAIN/ (RFC 6376; create them with "
                    + "`jotmai dkim generate DOMAIN`). Mail from a domain without a key goes out unsigned.");
    static final ConfigKey<String> DKIM_SELECTOR = new ConfigKey<>("delivery.dkim-selector", ValueType.STRING,
            "jotmai", "Default selector for `jotmai dkim generate` and `jotmai dkim show`.");
    static final ConfigKey<Duration> POLL_INTERVAL = new ConfigKey<>("delivery.poll-interval", ValueType.DURATION,
            "5s", "How often the idle queue runner looks for due messages. SMTP wakes it at once after each "
                    + "accepted message, so this matters only for retries and other nodes' mail.");

    static final List<ConfigKey<?>> ALL = List.of(ENABLED, RETRY_SCHEDULE, RETRY_INTERVAL, MAX_AGE, DELAY_WARNING,
            MAX_CONNECTIONS, MAX_PER_DOMAIN, RESOLVER, ROUTES, RELAY_HOST, RELAY_USER, RELAY_PASSWORD_FILE, TLS,
            TLS_POLICIES, DKIM, DKIM_SELECTOR, POLL_INTERVAL);

    private DeliveryKeys() {
    }
}
