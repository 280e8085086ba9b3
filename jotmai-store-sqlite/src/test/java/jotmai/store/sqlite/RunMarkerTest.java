package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.MailboxStatus;

/** UIDs and MODSEQs after a clean and after an unclean shutdown ({@link RunMarker}). */
class RunMarkerTest {

    private static final byte[] MESSAGE = "Subject: x\r\n\r\nbody\r\n".getBytes();

    @Test
    void aCleanRestartContinuesWithTheNextUid(@TempDir Path dir) {
        long mailbox = firstRun(dir);
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(append(store, mailbox)).isEqualTo(2);
        }
    }

    @Test
    void afterAnUncleanShutdownNoUidOrModseqIsHandedOutAgain(@TempDir Path dir) throws Exception {
        long mailbox = firstRun(dir);
        long modSeqBefore;
        try (SqliteStore store = SqliteStore.open(dir)) {
            modSeqBefore = store.mail().status(mailbox).highestModSeq();
        }
        // what a process killed (or a machine powered off) while the store was open leaves behind
        Files.writeString(dir.resolve(RunMarker.FILE), "running\n");
        try (SqliteStore store = SqliteStore.open(dir)) {
            MailboxStatus status = store.mail().status(mailbox);
            assertThat(status.highestModSeq()).isGreaterThanOrEqualTo(modSeqBefore + RunMarker.SKIP);
            assertThat(append(store, mailbox)).isEqualTo(2 + RunMarker.SKIP);
        }
        try (SqliteStore store = SqliteStore.open(dir)) { // that run closed cleanly: no second skip
            assertThat(append(store, mailbox)).isEqualTo(3 + RunMarker.SKIP);
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryLeavesTheRunningOwnersMarkerAlone(@TempDir Path dir) {
        long mailbox = firstRun(dir);
        try (SqliteStore server = SqliteStore.open(dir)) {
            try (SqliteStore cli = SqliteStore.open(dir)) { // e.g. the admin CLI while the server runs
                assertThat(append(cli, mailbox)).isEqualTo(2);
            }
            assertThat(append(server, mailbox)).isEqualTo(3);
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(append(store, mailbox)).isEqualTo(4);
        }
    }

    private static long firstRun(Path dir) {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("marker.example");
            Account account = store.accounts().createAccount("a@marker.example", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
            assertThat(append(store, inbox.id())).isEqualTo(1);
            return inbox.id();
        }
    }

    private static long append(SqliteStore store, long mailbox) {
        return store.mail().append(mailbox, MessageSource.ofBytes(MESSAGE), Set.of(), Instant.now()).uid();
    }
}
