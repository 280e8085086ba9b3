package jotmai.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds the next hops for a destination domain: the relay host when configured, else a static route,
 * else MX records (RFC 5321 §5.1) in preference order with a random order among equal preferences,
 * else the domain's own A/AAAA records (implicit MX). A null MX (RFC 7505 §3: one MX with preference 0
 * and exchange ".") means the domain accepts no mail: the recipients fail at once.
 */
final class Router {

    /** At most this many MX hosts are tried per attempt (bounds the time one attempt can take). */
    static final int MAX_HOSTS = 10;

    /** One host to try, with its addresses in the order to try them. */
    record Hop(String host, int port, List<InetAddress> addresses, Optional<Route.Credentials> auth) {}

    sealed interface Routing {
        record Hops(List<Hop> hops) implements Routing {}
        /** The domain publishes that it accepts no mail, or does not exist: permanent. */
        record Permanent(String reason) implements Routing {}
        record Temporary(String reason) implements Routing {}
    }

    private final DeliveryConfig config;
    private final Dns dns;

    Router(DeliveryConfig config, Dns dns) {
        this.config = config;
        this.dns = dns;
    }

    Routing route(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        Optional<Route> fixed = config.relayHost().or(() -> Optional.ofNullable(config.staticRoutes().get(d)));
        if (fixed.isPresent()) {
            return fixedHop(fixed.get());
        }
        List<String> hosts;
        switch (dns.mx(d)) {
            case Dns.MxAnswer.Found found -> {
                if (isNullMx(found.records())) {
                    return new Routing.Permanent("domain " + d + " accepts no mail (null MX, RFC 7505)");
                }
                hosts = orderByPreference(found.records());
            }
            case Dns.MxAnswer.NoData n -> hosts = List.of(d);
            case Dns.MxAnswer.NoDomain n -> {
                return new Routing.Permanent("domain " + d + " does not exist");
            }
            case Dns.MxAnswer.TryAgain t -> {
                return new Routing.Temporary(t.reason());
            }
        }
        List<Hop> hops = new ArrayList<>();
        String lastFailure = "no address for " + d;
        for (String host : hosts.subList(0, Math.min(hosts.size(), MAX_HOSTS))) {
            try {
                List<InetAddress> addresses = dns.addresses(host);
                if (!addresses.isEmpty()) {
                    hops.add(new Hop(host, config.remotePort(), addresses, Optional.empty()));
                }
            } catch (Dns.TempFail e) {
                lastFailure = e.getMessage();
            }
        }
        if (hops.isEmpty()) {
            // RFC 5321 §5.1: MX hosts without addresses are skipped; none left = try again later
            // (a domain without MX whose name has no address is permanent, a broken MX set may heal).
            boolean implicit = hosts.size() == 1 && hosts.get(0).equals(d);
            return implicit && !lastFailure.startsWith("address lookup") ? new Routing.Permanent(lastFailure)
                    : new Routing.Temporary(lastFailure);
        }
        return new Routing.Hops(hops);
    }

    private Routing fixedHop(Route route) {
        try {
            List<InetAddress> addresses = List.of(InetAddress.getAllByName(route.host()));
            return new Routing.Hops(List.of(new Hop(route.host(), route.port(), addresses, route.auth())));
        } catch (UnknownHostException e) {
            return new Routing.Temporary("cannot resolve route host " + route.host());
        }
    }

    static boolean isNullMx(List<Dns.Mx> records) {
        return records.size() == 1 && (records.get(0).host().isEmpty() || records.get(0).host().equals("."));
    }

    /** Lowest preference first; hosts of equal preference shuffled (RFC 5321 §5.1). */
    static List<String> orderByPreference(List<Dns.Mx> records) {
        TreeMap<Integer, List<String>> byPreference = new TreeMap<>();
        for (Dns.Mx mx : records) {
            byPreference.computeIfAbsent(mx.preference(), p -> new ArrayList<>()).add(mx.host());
        }
        List<String> out = new ArrayList<>();
        for (List<String> equal : byPreference.values()) {
            Collections.shuffle(equal, ThreadLocalRandom.current());
            out.addAll(equal);
        }
        return out;
    }
}
