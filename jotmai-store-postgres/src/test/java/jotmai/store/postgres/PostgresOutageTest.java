package jotmai.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.ChangeBus;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * Losing the database: two nodes reach it through {@link OutageProxy}, which cuts every connection
 * and refuses new ones, then lets them in again (what a restart or a network loss looks like to a
 * node). Operations must fail with Unavailable, never hang or crash, and everything must come back by
 * itself, the cross-node bus included, with no acknowledged message lost.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresOutageTest {

    /** How long recovery may take: pool validation plus the bus's reconnect backoff (max 5 s). */
    static final Duration RECOVERY = Duration.ofSeconds(30);

    OutageProxy proxy;
    PostgresConfig config;
    PostgresStore nodeA;
    PostgresStore nodeB;

    @BeforeEach
    void open() throws Exception {
        URI db = PgTestDatabase.hostAndPort();
        proxy = new OutageProxy(db.getHost(), db.getPort());
        String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + db.getPath();
        config = PgTestDatabase.configFor(url, PgTestDatabase.freshSchema().schema())
                .withConnectionTimeout(Duration.ofSeconds(1)).withPoolSize(4);
        nodeA = PostgresStore.open(config);
        nodeB = PostgresStore.open(config);
    }

    @AfterEach
    void close() throws Exception {
        if (proxy == null) {
            return; // skipped before setup: no PostgreSQL configured
        }
        proxy.up();
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        proxy.close();
        PgTestDatabase.dropSchema(config);
    }

    static MessageSource message(String subject) {
        return MessageSource.ofBytes(("Subject: " + subject + "\r\n\r\nbody " + subject + " " + System.nanoTime()
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within " + RECOVERY + ": " + what);
    }

    static boolean succeeds(Runnable r) {
        try {
            r.run();
            return true;
        } catch (StoreException.Unavailable e) {
            return false;
        }
    }

    @Test
    void operationsFailUnavailableWhileTheDatabaseIsGoneAndResumeWhenItIsBack() throws Exception {
        String domain = "d" + System.nanoTime() + ".example";
        nodeA.accounts().addDomain(domain);
        Account account = nodeA.accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
        long inbox = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
        nodeA.mail().append(inbox, message("before"), Set.of(), Instant.now());
        eventually("node B listening", nodeB::listening);

        proxy.down();
        long started = System.nanoTime();
        assertThatThrownBy(() -> nodeA.mail().append(inbox, message("during"), Set.of(), Instant.now()))
                .isInstanceOf(StoreException.Unavailable.class);
        assertThatThrownBy(() -> nodeB.mail().messages(inbox)).isInstanceOf(StoreException.Unavailable.class);
        assertThatThrownBy(() -> nodeB.accounts().account(account.address()))
                .isInstanceOf(StoreException.Unavailable.class);
        assertThatThrownBy(() -> nodeB.mail().lockMaildrop(account.id())).isInstanceOf(StoreException.Unavailable.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("fails fast, does not hang")
                .isLessThan(Duration.ofSeconds(30));
        eventually("node B notices the lost LISTEN connection", () -> !nodeB.listening());

        proxy.up();
        eventually("appends work again", () -> succeeds(
                () -> nodeA.mail().append(inbox, message("after"), Set.of(), Instant.now())));
        eventually("node B listens again", nodeB::listening);
        eventually("node B reads again", () -> succeeds(() -> nodeB.mail().messages(inbox)));

        BlockingQueue<String> rings = new LinkedBlockingQueue<>();
        try (ChangeBus.Subscription ignored = nodeB.changes().subscribe(inbox, () -> rings.add("ring"))) {
            nodeA.mail().append(inbox, message("cross-node after recovery"), Set.of(), Instant.now());
            assertThat(rings.poll(5, TimeUnit.SECONDS)).as("ring crosses nodes again").isNotNull();
        }
        var lock = nodeB.mail().lockMaildrop(account.id());
        assertThat(lock).isPresent();
        assertThat(nodeA.mail().lockMaildrop(account.id())).isEmpty();
        lock.get().close();
    }

    @Test
    void noAcknowledgedAppendIsLostWhenTheDatabaseGoesAwayDuringALoadRun() throws Exception {
        String domain = "d" + System.nanoTime() + ".example";
        nodeA.accounts().addDomain(domain);
        Account account = nodeA.accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
        long inbox = nodeA.mail().mailbox(account.id(), Mailbox.INBOX).orElseThrow().id();
        List<AppendResult> acknowledged = new CopyOnWriteArrayList<>();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        List<Thread> writers = new java.util.ArrayList<>();
        for (PostgresStore node : List.of(nodeA, nodeB)) {
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; running.get() && i < 10_000; i++) {
                    try {
                        acknowledged.add(node.mail().append(inbox, message("load " + i), Set.of(), Instant.now()));
                    } catch (StoreException.Unavailable e) {
                        unavailable.incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                }
            }));
        }
        eventually("some appends", () -> acknowledged.size() >= 10);
        proxy.down();
        Thread.sleep(1_500);
        proxy.up();
        int atRecovery = acknowledged.size();
        eventually("appends acknowledged after recovery", () -> acknowledged.size() >= atRecovery + 10);
        running.set(false);
        for (Thread w : writers) {
            w.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(unexpected).isEmpty();
        assertThat(unavailable.get()).as("appends refused while the database was away").isPositive();
        List<Long> stored = nodeB.mail().messages(inbox).stream().map(MessageMeta::uid).toList();
        assertThat(stored).containsAll(acknowledged.stream().map(AppendResult::uid).toList());
        assertThat(stored).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void openingWhileTheDatabaseIsDownFailsUnavailable() throws Exception {
        proxy.down();
        assertThatThrownBy(() -> PostgresStore.open(config)).isInstanceOf(StoreException.Unavailable.class);
    }
}
