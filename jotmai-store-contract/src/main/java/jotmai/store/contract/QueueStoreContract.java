package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore.DsnRequest;
import jotmai.store.QueueStore.QueuedMessage;
import jotmai.store.QueueStore.RecipientState;
import jotmai.store.QueueStore.RecipientStatus;
import jotmai.store.QueueStore.QueuedRecipient;
import jotmai.store.StoreException;

/**
 * {@link jotmai.store.QueueStore}: durable enqueue, leases, per-recipient state, operator views. The
 * store may be shared between tests, so each test reschedules its message to the epoch (first in due
 * order) and looks only at its own ids.
 */
public interface QueueStoreContract extends StoreFixture {

    @Test
    default void enqueuedMessagesGetDistinctIdsAndAreCounted() {
        long before = store().queue().size();
        DsnRequest dsn = new DsnRequest("HDRS", "env-1", false, true);
        String first = store().queue().enqueue("alice@example.com",
                List.of(new QueuedRecipient("bob@elsewhere.example", "FAILURE,DELAY", "rfc822;bob@elsewhere.example"),
                        new QueuedRecipient("carol@elsewhere.example", "", "")),
                MessageSource.ofBytes(StoreFixture.message("out")), dsn);
        String second = store().queue().enqueue("", List.of(new QueuedRecipient("bounce@elsewhere.example", "", "")),
                MessageSource.ofBytes(StoreFixture.message("dsn")), new DsnRequest("", "", false, false));
        assertThat(first).isNotBlank().isNotEqualTo(second);
        assertThat(store().queue().size()).isEqualTo(before + 2);
    }

    @Test
    default void aMessageWithoutRecipientsIsNotQueued() {
        assertThatThrownBy(() -> store().queue().enqueue("a@example.com", List.of(),
                MessageSource.ofBytes(StoreFixture.message("none")), new DsnRequest("", "", false, false)))
                .isInstanceOf(StoreException.Invalid.class);
    }

    private String enqueueTwoRecipients(String subject) {
        String id = store().queue().enqueue("alice@example.com",
                List.of(new QueuedRecipient("bob@elsewhere.example", "FAILURE", ""),
                        new QueuedRecipient("carol@other.example", "", "rfc822;carol@other.example")),
                MessageSource.ofBytes(StoreFixture.message(subject)), new DsnRequest("FULL", "e1", false, true));
        store().queue().reschedule(id, Instant.EPOCH);
        return id;
    }

    private List<QueuedMessage> claim(Instant now, Duration lease) {
        return store().queue().claimDue(now, 10_000, lease);
    }

    @Test
    default void aClaimedMessageIsNotClaimedAgainUntilItsLeaseEndsOrItIsRescheduled() {
        String id = enqueueTwoRecipients("lease");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(claim(now, Duration.ofMinutes(5))).extracting(QueuedMessage::id).contains(id);
        assertThat(claim(now, Duration.ofMinutes(5))).extracting(QueuedMessage::id).doesNotContain(id);
        assertThat(claim(now.plus(Duration.ofMinutes(6)), Duration.ofMinutes(5)))
                .extracting(QueuedMessage::id).contains(id);
        store().queue().reschedule(id, now.plus(Duration.ofHours(1)));
        assertThat(claim(now.plus(Duration.ofMinutes(30)), Duration.ofMinutes(5)))
                .extracting(QueuedMessage::id).doesNotContain(id);
        List<QueuedMessage> later = claim(now.plus(Duration.ofMinutes(61)), Duration.ofMinutes(5));
        assertThat(later).extracting(QueuedMessage::id).contains(id);
        QueuedMessage m = later.stream().filter(q -> q.id().equals(id)).findFirst().orElseThrow();
        assertThat(m.nextAttemptAt()).isEqualTo(now.plus(Duration.ofHours(1)));
        assertThat(m.envelopeFrom()).isEqualTo("alice@example.com");
        assertThat(m.dsn()).isEqualTo(new DsnRequest("FULL", "e1", false, true));
        assertThat(m.size()).isEqualTo(StoreFixture.message("lease").length);
        store().queue().remove(id);
    }

    @Test
    default void messagesRescheduledOrRemovedByTheirRunnerAreNeverClaimedByAConcurrentRunner() throws Exception {
        // The runner that holds the leases finishes its messages (reschedule into the future or remove)
        // while another runner claims in a loop: it must never get one of them (a second delivery).
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(enqueueTwoRecipients("race-" + i));
        }
        assertThat(claim(now, Duration.ofMinutes(10))).extracting(QueuedMessage::id).containsAll(ids);
        java.util.Set<String> ours = java.util.Set.copyOf(ids);
        List<String> stolen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread other = Thread.ofPlatform().start(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            for (int round = 0; round < 100_000 && !done.get() && System.nanoTime() < deadline; round++) {
                for (QueuedMessage m : claim(now, Duration.ofMinutes(10))) {
                    if (ours.contains(m.id())) {
                        stolen.add(m.id());
                    }
                }
            }
        });
        try {
            for (int i = 0; i < ids.size(); i++) {
                if (i % 2 == 0) {
                    store().queue().reschedule(ids.get(i), now.plus(Duration.ofHours(1)));
                } else {
                    store().queue().remove(ids.get(i));
                }
            }
        } finally {
            done.set(true);
            other.join(Duration.ofSeconds(30));
        }
        assertThat(stolen).isEmpty();
        ids.forEach(store().queue()::remove);
    }

    @Test
    default void aRenewedLeaseKeepsTheMessageClaimedUntilTheNewEnd() {
        String id = enqueueTwoRecipients("renew");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(claim(now, Duration.ofMinutes(5))).extracting(QueuedMessage::id).contains(id);
        assertThat(store().queue().renewLease(id, now.plus(Duration.ofMinutes(4)), Duration.ofMinutes(5))).isTrue();
        // the first lease would have ended at +5 min; the renewed one lasts until +9 min
        assertThat(claim(now.plus(Duration.ofMinutes(6)), Duration.ofMinutes(5)))
                .extracting(QueuedMessage::id).doesNotContain(id);
        assertThat(claim(now.plus(Duration.ofMinutes(10)), Duration.ofMinutes(5)))
                .extracting(QueuedMessage::id).contains(id);
        store().queue().reschedule(id, now.plus(Duration.ofHours(1)));
        assertThat(store().queue().renewLease(id, now.plus(Duration.ofMinutes(11)), Duration.ofMinutes(5)))
                .as("a rescheduled message has no lease to renew").isFalse();
        store().queue().remove(id);
        assertThat(store().queue().renewLease(id, now, Duration.ofMinutes(5))).isFalse();
        assertThat(store().queue().renewLease("no-such-id", now, Duration.ofMinutes(5))).isFalse();
    }

    @Test
    default void recipientOutcomesAreRecordedWithAttemptsAndLastReply() {
        String id = enqueueTwoRecipients("outcomes");
        Instant at = Instant.parse("2026-03-04T05:06:07Z");
        store().queue().recordOutcome(id, 0, RecipientStatus.DEFERRED, "451 4.4.1 try later", at);
        store().queue().recordOutcome(id, 0, RecipientStatus.DELIVERED, "250 2.0.0 ok", at.plusSeconds(60));
        store().queue().recordOutcome(id, 1, RecipientStatus.FAILED, "550 5.1.1 no such user", at);
        QueuedMessage m = store().queue().find(id).orElseThrow();
        assertThat(m.recipients()).extracting(RecipientState::address, RecipientState::status,
                        RecipientState::attempts, RecipientState::lastReply)
                .containsExactly(
                        org.assertj.core.api.Assertions.tuple("bob@elsewhere.example", RecipientStatus.DELIVERED, 2,
                                "250 2.0.0 ok"),
                        org.assertj.core.api.Assertions.tuple("carol@other.example", RecipientStatus.FAILED, 1,
                                "550 5.1.1 no such user"));
        assertThat(m.recipients().get(0).lastAttemptAt()).contains(at.plusSeconds(60));
        assertThat(m.recipients().get(1).orcpt()).isEqualTo("rfc822;carol@other.example");
        assertThat(m.openRecipients()).isEmpty();
        store().queue().remove(id);
    }

    @Test
    default void aFreshMessageHasPendingRecipientsAndItsBytesAsEnqueued() throws IOException {
        String id = enqueueTwoRecipients("bytes");
        QueuedMessage m = store().queue().find(id).orElseThrow();
        assertThat(m.openRecipients()).hasSize(2).allMatch(r -> r.status() == RecipientStatus.PENDING
                && r.attempts() == 0 && r.lastReply().isEmpty() && r.lastAttemptAt().isEmpty());
        assertThat(m.delayWarned()).isFalse();
        try (InputStream in = store().queue().open(id)) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII))
                    .contains("Subject: bytes\r\n");
        }
        store().queue().markDelayWarned(id);
        assertThat(store().queue().find(id).orElseThrow().delayWarned()).isTrue();
        store().queue().remove(id);
    }

    @Test
    default void removedMessagesAreGoneFromEveryView() {
        String id = enqueueTwoRecipients("remove");
        long before = store().queue().size();
        assertThat(store().queue().list(10_000)).extracting(QueuedMessage::id).contains(id);
        assertThat(store().queue().remove(id)).isTrue();
        assertThat(store().queue().remove(id)).isFalse();
        assertThat(store().queue().size()).isEqualTo(before - 1);
        assertThat(store().queue().find(id)).isEmpty();
        assertThat(store().queue().list(10_000)).extracting(QueuedMessage::id).doesNotContain(id);
        assertThat(claim(Instant.now(), Duration.ofMinutes(1))).extracting(QueuedMessage::id).doesNotContain(id);
        assertThatThrownBy(() -> {
            try (InputStream in = store().queue().open(id)) {
                in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).isInstanceOf(StoreException.NotFound.class);
    }
}
