package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.MailStore.DeliveryTarget;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/** SQLite specifics of shared message bytes: one blob per delivery, reference counts, purge after grace. */
class BlobLifecycleTest {

    static final byte[] RAW = "Subject: blob\r\n\r\nbytes\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void deliveryToManyStoresOneBlobAndTheLastExpungeDeletesIt(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ZERO))) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Account b = store.accounts().createAccount("b@example.com", "{PLAIN}x", 0);
            Mailbox aInbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            Mailbox bInbox = store.mail().mailbox(b.id(), "INBOX").orElseThrow();
            List<AppendResult> results = store.mail().deliver(MessageSource.ofBytes(RAW), List.of(
                    new DeliveryTarget(aInbox.id(), Set.of("\\Deleted")), new DeliveryTarget(bInbox.id(), Set.of())),
                    Instant.now());
            assertThat(results.get(0).meta().blob()).isEqualTo(results.get(1).meta().blob());
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM blob")).isEqualTo(1);

            store.mail().expunge(aInbox.id(), Optional.empty());
            try (InputStream in = store.mail().openContent(results.get(1).meta().blob())) {
                assertThat(in.readAllBytes()).isEqualTo(RAW);
            }
            store.mail().move(bInbox.id(), UidSet.ALL, store.mail().mailbox(b.id(), "Trash").orElseThrow().id());
            assertThat(StoreTestSupport.count(dir, "SELECT refs FROM blob")).isEqualTo(1);

            Mailbox trash = store.mail().mailbox(b.id(), "Trash").orElseThrow();
            store.mail().updateFlags(trash.id(), UidSet.ALL, FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
            store.mail().expunge(trash.id(), Optional.empty());
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM blob")).isZero();
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM blob_chunk")).isZero();
            assertThatThrownBy(() -> store.mail().openContent(results.get(0).meta().blob()))
                    .isInstanceOf(StoreException.NotFound.class);
        }
    }

    @Test
    void expungedBytesStayReadableDuringTheGracePeriodAndArePurgedAfterIt(@TempDir Path dir) throws Exception {
        AppendResult r;
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ofHours(1)))) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            r = store.mail().append(inbox.id(), MessageSource.ofBytes(RAW), Set.of("\\Deleted"), Instant.now());
            store.mail().expunge(inbox.id(), Optional.empty());
            // RFC 9051 §7.5.1: a session that has not yet seen the EXPUNGE may still fetch the message
            try (InputStream in = store.mail().openContent(r.meta().blob())) {
                assertThat(in.readAllBytes()).isEqualTo(RAW);
            }
        }
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ZERO))) {
            assertThatThrownBy(() -> store.mail().openContent(r.meta().blob()))
                    .isInstanceOf(StoreException.NotFound.class);
        }
    }

    @Test
    void queuedMessagesKeepTheirBytes(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ZERO))) {
            store.queue().enqueue("a@example.com",
                    List.of(new jotmai.store.QueueStore.QueuedRecipient("x@elsewhere.example", "", "")),
                    MessageSource.ofBytes(RAW), new jotmai.store.QueueStore.DsnRequest("", "", false, false));
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.queue().size()).isEqualTo(1);
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM blob_chunk")).isEqualTo(1);
        }
    }
}
