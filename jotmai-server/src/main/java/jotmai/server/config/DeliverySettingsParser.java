package jotmai.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jotmai.server.config.JotmaiConfig.DeliverySettings;
import jotmai.server.config.JotmaiConfig.HostPort;

/** Builds {@link DeliverySettings} from the delivery.* keys, checking the structured values. */
final class DeliverySettingsParser {

    private static final Set<String> TLS_POLICIES = Set.of("none", "opportunistic", "required");
    private static final int SMTP_PORT = 25;
    private static final int DNS_PORT = 53;

    private DeliverySettingsParser() {
    }

    static DeliverySettings parse(ConfigValues v) {
        List<Duration> schedule = new ArrayList<>();
        for (String item : v.get(DeliveryKeys.RETRY_SCHEDULE)) {
            try {
                schedule.add(ValueType.DURATION.parse(item));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(DeliveryKeys.RETRY_SCHEDULE.name() + ": '" + item + "': " + e.getMessage());
            }
        }
        String resolver = v.get(DeliveryKeys.RESOLVER).trim();
        Map<String, HostPort> routes = new LinkedHashMap<>();
        for (String item : v.get(DeliveryKeys.ROUTES)) {
            String[] pair = pair(DeliveryKeys.ROUTES, item);
            routes.put(pair[0], hostPort(DeliveryKeys.ROUTES, pair[1], SMTP_PORT));
        }
        String relay = v.get(DeliveryKeys.RELAY_HOST).trim();
        String user = v.get(DeliveryKeys.RELAY_USER).trim();
        String passwordFile = v.get(DeliveryKeys.RELAY_PASSWORD_FILE).trim();
        if (!user.isEmpty() && relay.isEmpty()) {
            throw new ConfigException("delivery.relay-user needs delivery.relay-host");
        }
        if (!user.isEmpty() && passwordFile.isEmpty()) {
            throw new ConfigException("delivery.relay-user needs delivery.relay-password-file");
        }
        String tls = tlsPolicy(DeliveryKeys.TLS, v.get(DeliveryKeys.TLS));
        Map<String, String> tlsPolicies = new LinkedHashMap<>();
        for (String item : v.get(DeliveryKeys.TLS_POLICIES)) {
            String[] pair = pair(DeliveryKeys.TLS_POLICIES, item);
            tlsPolicies.put(pair[0], tlsPolicy(DeliveryKeys.TLS_POLICIES, pair[1]));
        }
        String selector = v.get(DeliveryKeys.DKIM_SELECTOR).trim().toLowerCase(Locale.ROOT);
        if (!selector.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw new ConfigException("delivery.dkim-selector = '" + selector + "' is not a DNS label");
        }
        return new DeliverySettings(v.get(DeliveryKeys.ENABLED), schedule, v.get(DeliveryKeys.RETRY_INTERVAL),
                v.get(DeliveryKeys.MAX_AGE), v.get(DeliveryKeys.DELAY_WARNING), v.get(DeliveryKeys.MAX_CONNECTIONS),
                v.get(DeliveryKeys.MAX_PER_DOMAIN),
                resolver.isEmpty() ? Optional.empty() : Optional.of(hostPort(DeliveryKeys.RESOLVER, resolver, DNS_PORT)),
                routes, relay.isEmpty() ? Optional.empty()
                        : Optional.of(hostPort(DeliveryKeys.RELAY_HOST, relay, SMTP_PORT)),
                user, JotmaiConfig.path(passwordFile),
                tls, tlsPolicies, v.get(DeliveryKeys.DKIM), selector, v.get(DeliveryKeys.POLL_INTERVAL));
    }

    /** "domain=value", the domain lower-cased. */
    private static String[] pair(ConfigKey<?> key, String item) {
        int eq = item.indexOf('=');
        if (eq <= 0 || eq == item.length() - 1) {
            throw new ConfigException(key.name() + ": '" + item + "' is not DOMAIN=VALUE");
        }
        return new String[] {item.substring(0, eq).trim().toLowerCase(Locale.ROOT), item.substring(eq + 1).trim()};
    }

    /** HOST, HOST:PORT, [IPv6] or [IPv6]:PORT. */
    static HostPort hostPort(ConfigKey<?> key, String text, int defaultPort) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new ConfigException(key.name() + ": '" + text + "' lacks the closing ]");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw new ConfigException(key.name() + ": '" + text + "' is not [ADDRESS]:PORT");
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isBlank()) {
            throw new ConfigException(key.name() + ": '" + text + "' has no host");
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = ValueType.PORT.parse(port);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key.name() + ": '" + text + "': port " + e.getMessage());
            }
        }
        return new HostPort(host, p);
    }

    private static String tlsPolicy(ConfigKey<?> key, String text) {
        String policy = text.trim().toLowerCase(Locale.ROOT);
        if (!TLS_POLICIES.contains(policy)) {
            throw new ConfigException(key.name() + ": '" + text + "' is not none, opportunistic or required");
        }
        return policy;
    }
}
