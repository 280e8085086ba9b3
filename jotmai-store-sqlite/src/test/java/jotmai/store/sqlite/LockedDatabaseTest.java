package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * Another process holding the write lock (e.g. the admin CLI on the same data directory) makes writes
 * fail with Unavailable ("try again": SMTP 451, IMAP NO [UNAVAILABLE]) after the busy timeout; reads
 * keep working (WAL); once the lock is gone, writes work again.
 */
class LockedDatabaseTest {

    @Test
    void aWriteBlockedByAnotherProcessFailsAsUnavailableAndReadsContinue(@TempDir Path dir) throws Exception {
        byte[] raw = "Subject: locked\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ZERO, Duration.ofMillis(200)))) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            store.mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of(), Instant.now());

            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.DATABASE_FILE));
                 Statement s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                assertThatThrownBy(() -> store.mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of(),
                        Instant.now())).isInstanceOf(StoreException.Unavailable.class);
                assertThat(store.mail().messages(inbox.id())).hasSize(1);
                s.execute("ROLLBACK");
            }
            assertThat(store.mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of(), Instant.now()).uid())
                    .isEqualTo(2);
        }
    }
}
