package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

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
}
