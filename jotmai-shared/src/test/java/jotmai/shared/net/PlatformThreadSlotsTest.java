package jotmai.shared.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PlatformThreadSlotsTest {

    private static Runnable waitFor(CountDownLatch release) {
        return () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void sessionsBeyondTheBoundRunOnVirtualThreadsAndAFinishedSessionFreesItsSlot() throws Exception {
        PlatformThreadSlots slots = new PlatformThreadSlots(2);
        CountDownLatch release = new CountDownLatch(1);

        Thread a = slots.start("a", waitFor(release));
        Thread b = slots.start("b", waitFor(release));
        Thread c = slots.start("c", waitFor(release));

        assertThat(a.isVirtual()).isFalse();
        assertThat(b.isVirtual()).isFalse();
        assertThat(c.isVirtual()).isTrue();
        assertThat(slots.inUse()).isEqualTo(2);

        release.countDown();
        for (Thread t : new Thread[] {a, b, c}) {
            assertThat(t.join(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(slots.inUse()).isZero();
        Thread d = slots.start("d", () -> { });
        assertThat(d.isVirtual()).isFalse();
        assertThat(d.join(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void withNoSlotsEverySessionRunsOnAVirtualThread() throws Exception {
        Thread t = new PlatformThreadSlots(0).start("v", () -> { });

        assertThat(t.isVirtual()).isTrue();
        assertThat(t.join(Duration.ofSeconds(30))).isTrue();
    }
}
