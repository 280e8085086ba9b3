package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.auth.Passwords;
import jotmai.store.Account;
import jotmai.store.MailStore;
import jotmai.store.MessageSource;

/**
 * A measurement, not a unit test (the name does not end in "Test": surefire runs it only when asked,
 * {@code -Dtest=Pop3MemoryCheck}): the server heap that many sessions hold while they stream large
 * messages to slow readers, each with the next message's head read ahead ({@link HeadPrefetch}), and
 * that all of it is given back once the clients vanish.
 *
 * <p>SESSIONS accounts share three 1 MB messages (one blob each, delivered to every inbox). Each
 * client logs in, sends RETR 1, reads the status line and a little of the body, and then stops reading
 * with an 8 KB receive buffer: the session blocks in a write with its store stream, response buffer and
 * the read-ahead of message 2 in memory. Heap used after a full GC, before and while, divided by the
 * sessions, is the per-session cost; the expected bound is {@link #BOUND_PER_SESSION}.
 */
class Pop3MemoryCheck {

    static final int SESSIONS = Integer.getInteger("pop3.memcheck.sessions", 200);

    /**
     * Per session while a large RETR streams with a read-ahead: TransactionCommands' chunk (64 KB),
     * ResponseBuffer (64 KB), the streaming store window (SQLite: up to 128 KB), the head read ahead
     * (48 KB plus its stream's window, 32 KB), a few KB of session state: ~340 KB.
     */
    static final long BOUND_PER_SESSION = 400 * 1024;

    @TempDir
    Path dir;

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] large(int i) {
        StringBuilder sb = new StringBuilder("Subject: large " + i + "\r\n\r\n");
        for (int k = 0; sb.length() < 1024 * 1024; k++) {
            sb.append(k % 9 == 0 ? "." : "").append("line ").append(k).append(" of ").append(i).append(" ".repeat(k % 50))
                    .append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void manySlowSessionsWithAReadAheadStayWithinTheBoundAndGiveItAllBack() throws Exception {
        try (Pop3Fixture fx = new Pop3Fixture(dir.resolve("data"))) {
            String hash = Passwords.hash("secret");
            List<MailStore.DeliveryTarget> targets = new ArrayList<>();
            for (int u = 0; u < SESSIONS; u++) {
                Account a = fx.store.accounts().createAccount("u" + u + "@" + Pop3Fixture.DOMAIN, hash, 0);
                targets.add(new MailStore.DeliveryTarget(fx.inbox(a).id(), Set.of()));
            }
            for (int i = 1; i <= 3; i++) {
                fx.store.mail().deliver(MessageSource.ofBytes(large(i)), targets, fx.clock.instant());
            }
            fx.start();
            long before = heapAfterGc();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int u = 0; u < SESSIONS; u++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(8 * 1024);
                    // from several loopback addresses: a listener allows 100 connections per address
                    s.bind(new InetSocketAddress("127.0.0." + (2 + u / 50), 0));
                    s.connect(new InetSocketAddress("127.0.0.1", fx.pop3Port()));
                    clients.add(s);
                    Pop3TestClient c = Pop3TestClient.connect(s);
                    c.login("u" + u + "@" + Pop3Fixture.DOMAIN, "secret");
                    assertThat(c.command("RETR 1")).startsWith("+OK");
                    s.getInputStream().readNBytes(4096); // then stops reading
                }
                Thread.sleep(3000); // the read-aheads finish
                long during = heapAfterGc();
                long perSession = (during - before) / SESSIONS;
                System.out.printf("POP3 memory check: %d sessions, heap after GC %d KB before, %d KB while streaming: "
                        + "%d KB per session (bound %d KB)%n", SESSIONS, before / 1024, during / 1024, perSession / 1024,
                        BOUND_PER_SESSION / 1024);
                assertThat(perSession).isLessThan(BOUND_PER_SESSION);
            } finally {
                for (Socket s : clients) {
                    try {
                        s.setSoLinger(true, 0);
                        s.close();
                    } catch (IOException e) {
                        // already gone
                    }
                }
            }
            Thread.sleep(3000); // the sessions notice
            long after = heapAfterGc();
            System.out.printf("POP3 memory check: heap after GC once the clients vanished: %d KB (before %d KB)%n",
                    after / 1024, before / 1024);
            assertThat(after - before).as("nothing held after the sessions ended").isLessThan(SESSIONS * 16L * 1024);
        }
    }
}
