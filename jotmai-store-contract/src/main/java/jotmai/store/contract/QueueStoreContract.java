package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore.DsnRequest;
import jotmai.store.QueueStore.QueuedRecipient;
import jotmai.store.StoreException;

/** {@link jotmai.store.QueueStore}: durable enqueue. */
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
}
