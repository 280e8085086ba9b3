package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Routing decisions (RFC 5321 §5.1, RFC 7505) with DNS answers given directly. */
class RouterTest {

    /** A DNS that answers from maps; names not in the MX map are NXDOMAIN. */
    static final class MapDns implements Dns {
        final Map<String, MxAnswer> mx = new HashMap<>();
        final Map<String, List<InetAddress>> hosts = new HashMap<>();

        @Override
        public MxAnswer mx(String domain) {
            return mx.getOrDefault(domain, new MxAnswer.NoDomain());
        }

        @Override
        public List<InetAddress> addresses(String host) {
            return hosts.getOrDefault(host, List.of());
        }
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void mxHostsAreTriedInPreferenceOrderAndEqualPreferencesAreShuffled() throws Exception {
        MapDns dns = new MapDns();
        dns.mx.put("dest.test", new Dns.MxAnswer.Found(List.of(new Dns.Mx(20, "backup.dest.test"),
                new Dns.Mx(10, "a.dest.test"), new Dns.Mx(10, "b.dest.test"))));
        dns.hosts.put("a.dest.test", List.of(ip("::1"), ip("127.0.0.2")));
        dns.hosts.put("b.dest.test", List.of(ip("127.0.0.3")));
        dns.hosts.put("backup.dest.test", List.of(ip("127.0.0.4")));
        Router router = new Router(DeliveryConfig.defaults(), dns);
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Router.Routing r = router.route("dest.test");
            assertThat(r).isInstanceOf(Router.Routing.Hops.class);
            List<Router.Hop> hops = ((Router.Routing.Hops) r).hops();
            assertThat(hops).hasSize(3);
            assertThat(hops.get(2).host()).isEqualTo("backup.dest.test");
            firsts.add(hops.get(0).host());
        }
        assertThat(firsts).containsExactlyInAnyOrder("a.dest.test", "b.dest.test");
        Router.Hop a = ((Router.Routing.Hops) router.route("dest.test")).hops().stream()
                .filter(h -> h.host().equals("a.dest.test")).findFirst().orElseThrow();
        assertThat(a.addresses()).containsExactly(ip("::1"), ip("127.0.0.2"));
        assertThat(a.port()).isEqualTo(25);
    }

    @Test
    void aNullMxFailsPermanently() {
        MapDns dns = new MapDns();
        dns.mx.put("nomail.test", new Dns.MxAnswer.Found(List.of(new Dns.Mx(0, ""))));
        assertThat(new Router(DeliveryConfig.defaults(), dns).route("nomail.test"))
                .isInstanceOfSatisfying(Router.Routing.Permanent.class, p -> assertThat(p.reason()).contains("RFC 7505"));
    }

    @Test
    void withoutMxTheDomainsOwnAddressIsUsed() throws Exception {
        MapDns dns = new MapDns();
        dns.mx.put("plain.test", new Dns.MxAnswer.NoData());
        dns.hosts.put("plain.test", List.of(ip("127.0.0.5")));
        Router.Routing r = new Router(DeliveryConfig.defaults(), dns).route("plain.test");
        assertThat(((Router.Routing.Hops) r).hops()).extracting(Router.Hop::host).containsExactly("plain.test");
    }

    @Test
    void aMissingDomainIsPermanentAndAServerFailureTemporary() {
        MapDns dns = new MapDns();
        dns.mx.put("flaky.test", new Dns.MxAnswer.TryAgain("SERVFAIL"));
        Router router = new Router(DeliveryConfig.defaults(), dns);
        assertThat(router.route("missing.test")).isInstanceOf(Router.Routing.Permanent.class);
        assertThat(router.route("flaky.test")).isInstanceOf(Router.Routing.Temporary.class);
    }

    @Test
    void mxHostsWithoutAddressesAreSkippedAndNoneLeftIsTemporary() throws Exception {
        MapDns dns = new MapDns();
        dns.mx.put("half.test", new Dns.MxAnswer.Found(List.of(new Dns.Mx(5, "gone.half.test"),
                new Dns.Mx(10, "ok.half.test"))));
        dns.hosts.put("ok.half.test", List.of(ip("127.0.0.6")));
        dns.mx.put("none.test", new Dns.MxAnswer.Found(List.of(new Dns.Mx(5, "gone.none.test"))));
        Router router = new Router(DeliveryConfig.defaults(), dns);
        assertThat(((Router.Routing.Hops) router.route("half.test")).hops()).extracting(Router.Hop::host)
                .containsExactly("ok.half.test");
        assertThat(router.route("none.test")).isInstanceOf(Router.Routing.Temporary.class);
    }

    @Test
    void aRelayHostOverridesStaticRoutesWhichOverrideMx() {
        MapDns dns = new MapDns();
        DeliveryConfig c = DeliveryConfig.defaults().withRoutes(Map.of("Static.Test", Route.of("127.0.0.1", 2525)),
                Optional.empty());
        Router.Hop hop = ((Router.Routing.Hops) new Router(c, dns).route("static.test")).hops().get(0);
        assertThat(hop.port()).isEqualTo(2525);
        DeliveryConfig relay = c.withRoutes(c.staticRoutes(), Optional.of(new Route("127.0.0.1", 587,
                Optional.of(new Route.Credentials("u", "p")))));
        Router.Hop r = ((Router.Routing.Hops) new Router(relay, dns).route("static.test")).hops().get(0);
        assertThat(r.port()).isEqualTo(587);
        assertThat(r.auth()).isPresent();
        assertThat(r.auth().get().toString()).doesNotContain("p]");
    }
}
