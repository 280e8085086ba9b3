package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

import jotmai.testkit.DnsStub;

/** dnsjava lookups against a DNS stub on loopback, and a whole delivery routed by MX. */
class DnsjavaDnsTest {
    @TempDir Path dir;

    static Name n(String s) throws Exception {
        return Name.fromString(s + ".");
    }

    @Test
    void mxNullMxNoDataNxdomainAndAddressesAreAnswered() throws Exception {
        try (DnsStub stub = new DnsStub()) {
            stub.add(new MXRecord(n("dest.test"), DClass.IN, 60, 10, n("mx1.dest.test")));
            stub.add(new MXRecord(n("dest.test"), DClass.IN, 60, 20, n("mx2.dest.test")));
            stub.add(new AAAARecord(n("mx1.dest.test"), DClass.IN, 60, InetAddress.getByName("::1")));
            stub.add(new ARecord(n("mx1.dest.test"), DClass.IN, 60, InetAddress.getByName("127.0.0.1")));
            stub.add(new MXRecord(n("nomail.test"), DClass.IN, 60, 0, Name.root));
            stub.add(new TXTRecord(n("plain.test"), DClass.IN, 60, "v=spf1 -all"));
            DnsjavaDns dns = new DnsjavaDns(Optional.of(stub.address()));
            assertThat(((Dns.MxAnswer.Found) dns.mx("dest.test")).records()).containsExactlyInAnyOrder(
                    new Dns.Mx(10, "mx1.dest.test"), new Dns.Mx(20, "mx2.dest.test"));
            assertThat(Router.isNullMx(((Dns.MxAnswer.Found) dns.mx("nomail.test")).records())).isTrue();
            assertThat(dns.mx("plain.test")).isInstanceOf(Dns.MxAnswer.NoData.class);
            assertThat(dns.mx("missing.test")).isInstanceOf(Dns.MxAnswer.NoDomain.class);
            assertThat(dns.addresses("mx1.dest.test")).containsExactly(InetAddress.getByName("::1"),
                    InetAddress.getByName("127.0.0.1"));
        }
    }

    @Test
    void aMessageIsDeliveredToTheMxFoundThroughTheConfiguredResolver() throws Exception {
        try (DnsStub stub = new DnsStub(); TestSink sink = new TestSink(); DeliveryFixture fx = new DeliveryFixture(dir)) {
            stub.add(new MXRecord(n("dest.test"), DClass.IN, 60, 10, n("mx.dest.test")));
            stub.add(new ARecord(n("mx.dest.test"), DClass.IN, 60, InetAddress.getByName("127.0.0.1")));
            stub.add(new MXRecord(n("nomail.test"), DClass.IN, 60, 0, Name.root));
            fx.enqueue(DeliveryFixture.SENDER, DeliveryFixture.message("via mx", "x\r\n"), "bob@dest.test",
                    "carol@nomail.test");
            DeliveryConfig c = fx.config(Map.of()).withResolver(stub.address()).withRemotePort(sink.port());
            try (DeliveryService s = fx.service(c)) {
                s.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> fx.store.queue().size() == 0 && !fx.inbox().isEmpty());
            }
            assertThat(sink.received).hasSize(1);
            assertThat(sink.received.get(0).rcptTo()).containsExactly("bob@dest.test");
            assertThat(fx.inbox().get(0)).contains("Final-Recipient: rfc822; carol@nomail.test").contains("null MX");
        }
    }
}
