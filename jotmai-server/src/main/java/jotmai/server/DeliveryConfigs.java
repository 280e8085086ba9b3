package jotmai.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jotmai.delivery.DeliveryConfig;
import jotmai.delivery.Route;
import jotmai.delivery.TlsMode;
import jotmai.server.config.ConfigException;
import jotmai.server.config.JotmaiConfig;
import jotmai.server.config.JotmaiConfig.DeliverySettings;
import jotmai.server.config.JotmaiConfig.HostPort;

/**
 * Maps the delivery.* settings onto jotmai-delivery's {@link DeliveryConfig}; settings without a key keep
 * {@link DeliveryConfig#defaults()}.
 */
public final class DeliveryConfigs {

    private DeliveryConfigs() {
    }

    public static DeliveryConfig of(JotmaiConfig config, String hostname, Path dataDir) {
        DeliverySettings s = config.delivery();
        DeliveryConfig d = DeliveryConfig.defaults();
        Map<String, Route> routes = new LinkedHashMap<>();
        s.routes().forEach((domain, hp) -> routes.put(domain, Route.of(hp.host(), hp.port())));
        Optional<Route> relay = s.relayHost().map(hp -> new Route(hp.host(), hp.port(),
                s.relayUser().isEmpty() ? Optional.empty()
                        : Optional.of(new Route.Credentials(s.relayUser(), password(s.relayPasswordFile().orElseThrow())))));
        Map<String, TlsMode> policies = new LinkedHashMap<>();
        s.tlsPolicies().forEach((domain, mode) -> policies.put(domain, tls(mode)));
        DeliveryConfig c = d.withHelloName(hostname)
                .withDataDir(dataDir)
                .withDkim(s.dkim(), s.dkimSelector())
                .withRetries(s.retrySchedule(), s.retryInterval(), s.maxAge(), s.delayWarning())
                .withLimits(s.maxConnections(), s.maxPerDomain(), d.maxMessagesPerConnection())
                .withRoutes(routes, relay)
                .withTls(tls(s.tls()), policies)
                .withTimeouts(d.timeouts(), s.pollInterval(), d.lease());
        if (s.resolver().isPresent()) {
            HostPort dns = s.resolver().get();
            c = c.withResolver(new InetSocketAddress(dns.host(), dns.port()));
        }
        return c;
    }

    private static TlsMode tls(String policy) {
        return TlsMode.valueOf(policy.toUpperCase(Locale.ROOT));
    }

    /** First line of the file; the password never reaches a log line or exception message. */
    private static String password(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String line = text.lines().findFirst().orElse("");
            if (line.isEmpty()) {
                throw new ConfigException("delivery.relay-password-file " + file + " is empty");
            }
            return line;
        } catch (IOException e) {
            throw new ConfigException("cannot read delivery.relay-password-file " + file + ": " + e.getMessage());
        }
    }
}
