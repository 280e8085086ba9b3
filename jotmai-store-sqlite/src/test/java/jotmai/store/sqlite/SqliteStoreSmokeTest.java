package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

class SqliteStoreSmokeTest {

    @Test
    void anAppendedMessageCanBeListedReadAndExpunged(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account alice = store.accounts().createAccount("Alice@Example.com", "{PLAIN}x", 0);
            assertThat(store.mail().mailboxes(alice.id())).extracting(Mailbox::name)
                    .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
            Mailbox inbox = store.mail().mailbox(alice.id(), "inbox").orElseThrow();
            byte[] msg = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
            var r = store.mail().append(inbox.id(), MessageSource.ofBytes(msg), Set.of("\\seen"), Instant.now());
            assertThat(r.uid()).isEqualTo(1);
            assertThat(store.mail().messages(inbox.id()).getFirst().flags()).containsExactly("\\Seen");
            try (var in = store.mail().openContent(r.meta().blob())) {
                assertThat(in.readAllBytes()).isEqualTo(msg);
            }
            assertThat(store.mail().structure(r.meta().blob()).headers()).isNotEmpty();
            store.mail().updateFlags(inbox.id(), UidSet.of(1), FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
            assertThat(store.mail().expunge(inbox.id(), Optional.empty())).containsExactly(1L);
            assertThat(store.mail().changesSince(inbox.id(), 0).changes())
                    .singleElement().isInstanceOf(StoreChange.Expunged.class);
            var r2 = store.mail().append(inbox.id(), MessageSource.ofBytes(msg), Set.of(), Instant.now());
            assertThat(r2.uid()).isEqualTo(2);
            assertThat(store.mail().status(inbox.id()).messages()).isEqualTo(1);
            assertThat(store.queue().enqueue("a@b", List.of(new jotmai.store.QueueStore.QueuedRecipient("x@y", "", "")),
                    MessageSource.ofBytes(msg), new jotmai.store.QueueStore.DsnRequest("", "", false, false))).isNotEmpty();
        }
    }
}
