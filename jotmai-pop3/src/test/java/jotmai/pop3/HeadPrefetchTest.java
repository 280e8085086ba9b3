package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.Mailbox;

/** The head of the next large message is read ahead only for in-order downloads, and continues exactly. */
class HeadPrefetchTest extends AliceMaildropTest {

    private static byte[] join(HeadPrefetch.Head h) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(h.bytes(), 0, h.length());
        try (var rest = h.rest()) {
            rest.transferTo(all);
        }
        return all.toByteArray();
    }

    @Test
    void theNextLargeMessageIsReadAheadWhenTheClientGoesInOrderAndNotAfterAJump() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            byte[] m = Pop3SessionTest.bigMessage(100_000 + i * 7_001);
            fx.deliver(alice, m, Set.of());
            sent.add(m);
        }
        Mailbox inbox = fx.inbox(alice);
        Maildrop drop = Maildrop.snapshot(inbox, fx.store.mail().messages(inbox.id()), Set.of(), false);
        try (HeadPrefetch heads = new HeadPrefetch(fx.store.mail())) {
            assertThat(heads.take(drop, 1)).isEmpty(); // nothing was read before the first RETR
            heads.startReadAhead(); // RETR 1 starts a download in order: 2 is read ahead
            Optional<HeadPrefetch.Head> second = heads.take(drop, 2);
            assertThat(second).isPresent();
            assertThat(second.get().length()).isEqualTo(HeadPrefetch.HEAD_OCTETS);
            assertThat(Arrays.equals(join(second.get()), sent.get(1))).isTrue();
            heads.startReadAhead(); // 3
            drop.delete(4);
            assertThat(heads.take(drop, 3)).isPresent().get().satisfies(h -> h.rest().close());
            heads.startReadAhead(); // 4 is marked deleted: 5 comes next
            Optional<HeadPrefetch.Head> fifth = heads.take(drop, 5);
            assertThat(fifth).isPresent();
            assertThat(Arrays.equals(join(fifth.get()), sent.get(4))).isTrue();
            heads.startReadAhead(); // nothing after 5
            assertThat(heads.take(drop, 1)).isEmpty(); // a jump back
            heads.startReadAhead();
            assertThat(heads.take(drop, 3)).isEmpty(); // another jump: nothing was read ahead
        }
    }
}
