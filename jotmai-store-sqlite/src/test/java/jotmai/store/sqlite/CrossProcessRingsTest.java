package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.ChangeBus;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;

/**
 * A second store on the same data directory stands for the admin CLI next to a running server: its
 * writes must wake the server's sessions (IDLE) at once, not at their next command.
 */
class CrossProcessRingsTest {
    private static final byte[] RAW = "Subject: from the CLI\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aWriteByTheGuestRingsTheOwnersSubscribers(@TempDir Path dir) throws Exception {
        try (SqliteStore owner = SqliteStore.open(dir)) {
            Mailbox inbox = StoreTestSupport.inboxOfNewAccount(owner);
            CountDownLatch mailboxRang = new CountDownLatch(1);
            CountDownLatch listRang = new CountDownLatch(1);
            try (ChangeBus.Subscription s1 = owner.changes().subscribe(inbox.id(), mailboxRang::countDown);
                 ChangeBus.Subscription s2 = owner.changes().subscribeMailboxList(inbox.accountId(), listRang::countDown);
                 SqliteStore guest = SqliteStore.open(dir)) {
                guest.mail().append(inbox.id(), MessageSource.ofBytes(RAW), Set.of(), Instant.now());
                assertThat(mailboxRang.await(10, TimeUnit.SECONDS)).isTrue();
                guest.mail().createMailbox(inbox.accountId(), "Projects", java.util.Optional.empty());
                assertThat(listRang.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void aGuestThatClosesRightAfterItsWriteStillRingsAndLeavesNoFileBehind(@TempDir Path dir) throws Exception {
        try (SqliteStore owner = SqliteStore.open(dir)) {
            Mailbox inbox = StoreTestSupport.inboxOfNewAccount(owner);
            CountDownLatch rang = new CountDownLatch(1);
            try (ChangeBus.Subscription s = owner.changes().subscribe(inbox.id(), rang::countDown)) {
                try (SqliteStore guest = SqliteStore.open(dir)) {
                    guest.mail().append(inbox.id(), MessageSource.ofBytes(RAW), Set.of(), Instant.now());
                }
                assertThat(rang.await(10, TimeUnit.SECONDS)).isTrue();
            }
            Path rings = dir.resolve(RingReceiver.DIRECTORY);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && hasRingFiles(rings)) {
                Thread.sleep(20);
            }
            assertThat(hasRingFiles(rings)).isFalse();
        }
    }

    @Test
    void ringsLeftWhileNoOwnerRanAreClearedAtTheNextStart(@TempDir Path dir) throws Exception {
        Path rings = Files.createDirectories(dir.resolve(RingReceiver.DIRECTORY));
        Files.writeString(rings.resolve("1-2-3" + RingReceiver.SUFFIX), "42\n");
        try (SqliteStore owner = SqliteStore.open(dir)) {
            assertThat(hasRingFiles(rings)).isFalse();
        }
    }

    private static boolean hasRingFiles(Path rings) throws Exception {
        try (var files = Files.list(rings)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(RingReceiver.SUFFIX));
        }
    }
}
