package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class DestinationTest {

    @Test
    void aBacklogGetsOneWorkerPerConnectionsWorthOfItemsUpToTheLimit() {
        Destination<Integer> d = new Destination<>();
        assertThat(d.add(List.of(1, 2, 3, 4, 5), 10, 100)).isEqualTo(1);
        assertThat(d.add(java.util.stream.IntStream.range(0, 1_000).boxed().toList(), 10, 100)).isEqualTo(9);
        assertThat(d.add(List.of(7), 10, 100)).isZero();
        assertThat(d.workers()).isEqualTo(10);
    }

    @Test
    void aMessageArrivingWhileTheOnlyWorkerIsBusyWaitsForItInsteadOfOpeningAConnection() {
        Destination<Integer> d = new Destination<>();
        assertThat(d.add(List.of(1), 10, 100)).isEqualTo(1);
        assertThat(d.add(List.of(2), 10, 100)).isZero();
        assertThat(d.add(List.of(3, 4), 10, 100)).isEqualTo(1);
    }

    @Test
    void aWorkerTakesItemsInOrderAndIsCountedOutOnlyWhenNothingIsLeft() throws Exception {
        Destination<Integer> d = new Destination<>();
        assertThat(d.add(List.of(1, 2), 5, 1)).isEqualTo(2);
        assertThat(d.next(Duration.ZERO, () -> false).work()).isEqualTo(1);
        assertThat(d.next(Duration.ZERO, () -> false).work()).isEqualTo(2);
        assertThat(d.next(Duration.ZERO, () -> false)).isNull();
        assertThat(d.workers()).isEqualTo(1);
        assertThat(d.unused()).isFalse();
        assertThat(d.next(Duration.ZERO, () -> false)).isNull();
        assertThat(d.unused()).isTrue();
    }

    @Test
    void anIdleWorkerIsHandedNewWorkInsteadOfANewWorkerBeingStarted() throws Exception {
        Destination<Integer> d = new Destination<>();
        assertThat(d.add(List.of(1), 5, 100)).isEqualTo(1);
        assertThat(d.next(Duration.ZERO, () -> false).work()).isEqualTo(1);
        var later = new java.util.concurrent.CompletableFuture<Destination.Taken<Integer>>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                later.complete(d.next(Duration.ofSeconds(30), () -> false));
            } catch (InterruptedException e) {
                later.completeExceptionally(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
        assertThat(d.add(List.of(2), 5, 100)).isZero();
        Destination.Taken<Integer> taken = later.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(taken.work()).isEqualTo(2);
        assertThat(taken.afterWait()).isTrue();
    }

    @Test
    void anIdleWorkerGivesUpAtOnceWhenAskedTo() throws Exception {
        Destination<Integer> d = new Destination<>();
        d.add(List.of(1), 5, 100);
        d.next(Duration.ZERO, () -> false);
        assertThat(d.next(Duration.ofMinutes(10), () -> true)).isNull();
        assertThat(d.unused()).isTrue();
    }
}
