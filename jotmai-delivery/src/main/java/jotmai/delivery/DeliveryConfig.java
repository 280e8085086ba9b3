package jotmai.delivery;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the outbound side can be configured with; {@link #defaults()} gives working values.
 *
 * @param helloName        name sent in EHLO/HELO and used in bounces (Reporting-MTA)
 * @param dataDir          data directory; DKIM keys live in {@code dataDir/dkim}
 * @param resolver         DNS server for MX/A/AAAA lookups; empty = the system's resolvers
 * @param retrySchedule    delays after the 1st, 2nd, ... failed attempt
 * @param retryInterval    delay after the schedule is used up
 * @param maxAge           a message still undelivered after this long is bounced
 * @param delayWarning     a delay DSN is sent once after this long (zero = never)
 * @param maxConnections   concurrent outbound connections overall
 * @param maxPerDomain     concurrent connections to one destination domain
 * @param maxMessagesPerConnection messages one connection carries before it is closed
 * @param maxReceivedHeaders more Received fields than this = a mail loop: bounce, do not deliver
 * @param remotePort       port for MX delivery (25)
 * @param staticRoutes     per-domain next hop (lower-case domain → route), bypassing MX lookup
 * @param relayHost        when present every message goes there (smarthost)
 * @param defaultTls       STARTTLS policy unless {@code tlsPolicies} names the domain
 * @param tlsPolicies      per-domain STARTTLS policy
 * @param timeouts         client timeouts (RFC 5321 §4.5.3.2)
 * @param pollInterval     how often the runner looks for due messages when idle
 * @param lease            how long a claimed message is reserved for this runner
 * @param dkimSelector     default selector for new DKIM keys (signing uses every key stored for the From
 *                         domain under dataDir/dkim/<domain>/<selector>.pem)
 * @param dkimSign         sign outbound mail with those keys; false = send unsigned even when keys exist
 */
public record DeliveryConfig(String helloName, Path dataDir, Optional<InetSocketAddress> resolver,
                             List<Duration> retrySchedule, Duration retryInterval, Duration maxAge,
                             Duration delayWarning, int maxConnections, int maxPerDomain,
                             int maxMessagesPerConnection, int maxReceivedHeaders, int remotePort,
                             Map<String, Route> staticRoutes, Optional<Route> relayHost, TlsMode defaultTls,
                             Map<String, TlsMode> tlsPolicies, Timeouts timeouts, Duration pollInterval,
                             Duration lease, String dkimSelector, boolean dkimSign) {

    /** Default retry schedule: 5 m, 10 m, 30 m, 1 h, 2 h, then every 4 h up to 5 days. */
    public static final List<Duration> DEFAULT_SCHEDULE = List.of(Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2));

    /** RFC 5321 §6.3: a count of Received fields that signals a loop; 100 is the usual limit. */
    public static final int DEFAULT_MAX_RECEIVED = 100;

    public DeliveryConfig {
        retrySchedule = List.copyOf(retrySchedule);
        staticRoutes = lowerKeys(staticRoutes);
        tlsPolicies = lowerKeys(tlsPolicies);
        if (maxConnections < 1 || maxPerDomain < 1 || maxMessagesPerConnection < 1) {
            throw new IllegalArgumentException("connection limits must be positive");
        }
    }

    public static DeliveryConfig defaults() {
        return new DeliveryConfig("localhost", Path.of("data"), Optional.empty(), DEFAULT_SCHEDULE,
                Duration.ofHours(4), Duration.ofDays(5), Duration.ofHours(4), 50, 5, 100, DEFAULT_MAX_RECEIVED, 25,
                Map.of(), Optional.empty(), TlsMode.OPPORTUNISTIC, Map.of(), Timeouts.rfc5321(),
                Duration.ofSeconds(5), Duration.ofMinutes(30), "jotmai", true);
    }

    /** Delay before attempt number {@code failedAttempts + 1}. */
    public Duration retryDelay(int failedAttempts) {
        int i = Math.max(0, failedAttempts - 1);
        return i < retrySchedule.size() ? retrySchedule.get(i) : retryInterval;
    }

    public TlsMode tlsFor(String domain) {
        return tlsPolicies.getOrDefault(domain.toLowerCase(Locale.ROOT), defaultTls);
    }

    public DeliveryConfig withHelloName(String name) {
        return new DeliveryConfig(name, dataDir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withDataDir(Path dir) {
        return new DeliveryConfig(helloName, dir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withRetries(List<Duration> schedule, Duration interval, Duration age, Duration warning) {
        return new DeliveryConfig(helloName, dataDir, resolver, schedule, interval, age, warning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withLimits(int connections, int perDomain, int messagesPerConnection) {
        return new DeliveryConfig(helloName, dataDir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                connections, perDomain, messagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withRoutes(Map<String, Route> routes, Optional<Route> relay) {
        return new DeliveryConfig(helloName, dataDir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, routes,
                relay, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withResolver(InetSocketAddress dns) {
        return new DeliveryConfig(helloName, dataDir, Optional.of(dns), retrySchedule, retryInterval, maxAge,
                delayWarning, maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort,
                staticRoutes, relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    /** The port MX hosts are contacted on (25; tests use a sink's port). */
    public DeliveryConfig withRemotePort(int port) {
        return new DeliveryConfig(helloName, dataDir, resolver, retrySchedule, retryInterval, maxAge,
                delayWarning, maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, port,
                staticRoutes, relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withTls(TlsMode mode, Map<String, TlsMode> perDomain) {
        return new DeliveryConfig(helloName, dataDir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, mode, perDomain, timeouts, pollInterval, lease, dkimSelector, dkimSign);
    }

    public DeliveryConfig withTimeouts(Timeouts t, Duration poll, Duration leaseTime) {
        return new DeliveryConfig(helloName, dataDir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, defaultTls, tlsPolicies, t, poll, leaseTime, dkimSelector, dkimSign);
    }

    /** DKIM signing on or off, and the default selector for new keys. */
    public DeliveryConfig withDkim(boolean sign, String selector) {
        return new DeliveryConfig(helloName, dataDir, resolver, retrySchedule, retryInterval, maxAge, delayWarning,
                maxConnections, maxPerDomain, maxMessagesPerConnection, maxReceivedHeaders, remotePort, staticRoutes,
                relayHost, defaultTls, tlsPolicies, timeouts, pollInterval, lease, selector, sign);
    }

    private static <V> Map<String, V> lowerKeys(Map<String, V> map) {
        java.util.Map<String, V> out = new java.util.HashMap<>();
        map.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return Map.copyOf(out);
    }
}
