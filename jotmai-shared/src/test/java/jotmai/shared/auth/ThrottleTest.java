package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class ThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final Throttle throttle = new Throttle(Throttle.Policy.defaults(), clock);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void aCleanRecordProceedsWithoutDelay() throws Exception {
        assertThat(throttle.check(ip("192.0.2.1"), "a@example.com")).isEqualTo(new Throttle.Decision.Proceed(Duration.ZERO));
    }

    @Test
    void failuresAreForgottenAfterTheQuietPeriod() throws Exception {
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure(ip("192.0.2.1"), "a@example.com");
        }
        assertThat(throttle.check(ip("192.0.2.1"), "a@example.com"))
                .isInstanceOfSatisfying(Throttle.Decision.Proceed.class, p -> assertThat(p.delay()).isPositive());
        clock.advance(Throttle.Policy.DEFAULT_FORGET_AFTER.plusMinutes(1));
        assertThat(throttle.check(ip("192.0.2.1"), "a@example.com")).isEqualTo(new Throttle.Decision.Proceed(Duration.ZERO));
    }

    @Test
    void aSuccessDoesNotClearTheAddressCounter() throws Exception {
        InetAddress sprayer = ip("198.51.100.9");
        for (int i = 0; i < Throttle.Policy.DEFAULT_IP_BAN_AFTER - 1; i++) {
            throttle.recordFailure(sprayer, "victim" + i + "@example.com");
        }
        throttle.recordSuccess(sprayer, "own@example.com");
        throttle.recordFailure(sprayer, "another@example.com");
        assertThat(throttle.check(sprayer, "own@example.com")).isInstanceOf(Throttle.Decision.Banned.class);
    }

    @Test
    void defaultsFollowTheDocumentedPolicy() {
        assertThat(throttle.delayAfter(Throttle.Policy.DEFAULT_FREE_FAILURES)).isZero();
        assertThat(throttle.delayAfter(Throttle.Policy.DEFAULT_FREE_FAILURES + 1)).isEqualTo(Duration.ofMillis(500));
        assertThat(throttle.delayAfter(1000)).isEqualTo(Throttle.Policy.DEFAULT_MAX_DELAY);
    }

    @Test
    void ipv4MappedAndPlainAddressesAreKeyedSensibly() throws Exception {
        assertThat(Throttle.addressKey(ip("192.0.2.1"))).isEqualTo("192.0.2.1");
        assertThat(Throttle.addressKey(ip("2001:db8::1"))).isEqualTo(Throttle.addressKey(ip("2001:db8::ffff:1")));
        assertThat(Throttle.addressKey(ip("2001:db8:0:1::1"))).isNotEqualTo(Throttle.addressKey(ip("2001:db8::1")));
    }

    @Test
    void trustedFrontEndsAreNeitherDelayedNorBanned() throws Exception {
        Throttle t = new Throttle(Throttle.Policy.defaults().withExemptNetworks(List.of("127.0.0.0/8", "2001:db8::/32")),
                clock);
        for (int i = 0; i < 100; i++) {
            t.recordFailure(ip("127.0.0.1"), "a@example.com");
            t.recordFailure(ip("2001:db8:5::1"), "a@example.com");
        }
        assertThat(t.check(ip("127.0.0.1"), "a@example.com")).isEqualTo(new Throttle.Decision.Proceed(Duration.ZERO));
        assertThat(t.check(ip("2001:db8:77::9"), "a@example.com")).isEqualTo(new Throttle.Decision.Proceed(Duration.ZERO));
        assertThat(t.trackedEntries()).isZero();
    }

    @Test
    void networkBlocksAreParsedStrictly() throws Exception {
        assertThat(Throttle.Cidr.parse("10.1.0.0/16").contains(ip("10.1.200.3"))).isTrue();
        assertThat(Throttle.Cidr.parse("10.1.0.0/16").contains(ip("10.2.0.1"))).isFalse();
        assertThat(Throttle.Cidr.parse("192.0.2.7").contains(ip("192.0.2.7"))).isTrue();
        assertThat(Throttle.Cidr.parse("10.0.0.0/8").contains(ip("::1"))).isFalse();
        assertThatThrownBy(() -> Throttle.Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Throttle.Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
