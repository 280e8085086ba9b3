package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import jotmai.imap.protocol.ResponseWriter;
import jotmai.store.Mailbox;

/**
 * IdleFanOut's stall watchdog (issue 4): the fan-out writes new-message announcements for parked idlers
 * itself, one after another, so a client that stopped reading (its socket send buffer full) would block
 * the pass in a write. The watchdog notices a write that has not returned after
 * {@link IdleFanOut#STALL_MILLIS} and wakes the mailbox's other idlers, which then announce the messages
 * themselves; until the stuck write returns, later deliveries take that ordinary way too.
 *
 * <p>The stalled idler is registered on the server's fan-out directly: its output is a real loopback
 * socket whose peer never reads and whose send buffer the test filled beforehand (a server session's
 * socket cannot be filled that exactly from the client side, since the kernel grows the buffer to
 * megabytes and the fan-out writes only a few dozen bytes per delivery). The other idlers are ordinary
 * IMAP sessions. Nothing here depends on timing: every wait is for an event, with generous timeouts.
 */
class IdleFanOutStallTest extends ImapServerTestBase {
    static final int OTHERS = 3;
    static final int ROUNDS = 4;

    @Test
    void anIdlerWhoseClientStopsReadingDoesNotHoldUpTheOtherIdlersOfTheMailbox() throws Exception {
        List<ImapTestClient> others = new ArrayList<>();
        try (StalledClient stalled = StalledClient.open()) {
            for (int i = 0; i < OTHERS; i++) {
                ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
                c.command("SELECT INBOX");
                c.send("i IDLE");
                assertThat(c.readLine()).startsWith("+ ");
                others.add(c);
            }
            // EXAMINE-like (read-only) so it never takes the \Recent claim and the fan-out always writes to it
            Mailbox inbox = fx.inbox(alice);
            MailboxView view = new MailboxView(inbox.id(), Mailbox.INBOX, inbox.uidValidity(), true, new long[0],
                    inbox.highestModSeq());
            SessionContext ctx = new SessionContext(fx.store.mail(), new ResponseWriter(stalled.out), "stalled",
                    ImapConfig.loopback(), new SharedNamespace(fx.store.accounts(), fx.store.mail(), fx.store.acl()));
            AtomicInteger stalledWakes = new AtomicInteger();
            IdleFanOut.Waiter waiter = fx.server.fanOut().enter(view, new ChangeSync(ctx), ctx,
                    rung -> stalledWakes.incrementAndGet());
            waiter.park();

            for (int round = 1; round <= ROUNDS; round++) {
                deliverAndExpectEveryOtherIdlerToSeeIt(others, round);
                if (round == 1) {
                    // the first pass reached the stalled idler (before or after the others) and is stuck there
                    waitUntil(() -> stalled.out.inWrite());
                }
            }
            assertThat(stalled.out.inWrite()).as("the write to the client that stopped reading never returned")
                    .isTrue();
            assertThat(stalled.out.writesReturned()).isZero();

            // The client reads again: the stuck write returns with the first announcement, the pass ends
            String seen = stalled.readUntil(" RECENT\r\n"); // rev1: EXISTS, then RECENT (0: read-only)
            assertThat(seen).startsWith("* 1 EXISTS\r\n");
            waiter.unpark(); // waits for the fan-out's write, like a session woken during IDLE
            waiter.leave();
            waitUntil(() -> !stalled.out.inWrite());

            // and the fan-out serves the room as before
            deliverAndExpectEveryOtherIdlerToSeeIt(others, ROUNDS + 1);
            for (ImapTestClient c : others) {
                c.send("DONE");
                assertThat(c.readLine()).isEqualTo("i OK IDLE completed");
                List<String> fetched = c.command("FETCH 1:* (UID)");
                assertThat(fetched).hasSize(ROUNDS + 2);
                assertThat(fetched.get(ROUNDS)).isEqualTo("* " + (ROUNDS + 1) + " FETCH (UID " + (ROUNDS + 1) + ")");
            }
        } finally {
            for (ImapTestClient c : others) {
                c.close();
            }
        }
    }

    /** Message {@code round}: each other idler announces it, and one of them holds it as \Recent. */
    private void deliverAndExpectEveryOtherIdlerToSeeIt(List<ImapTestClient> others, int round) throws Exception {
        fx.deliver(alice, ImapFixture.message(round));
        int recentOnes = 0;
        for (ImapTestClient c : others) {
            assertThat(c.readLine()).isEqualTo("* " + round + " EXISTS");
            String recent = c.readLine();
            assertThat(recent).matches("\\* \\d+ RECENT");
            recentOnes += Integer.parseInt(recent.split(" ")[1]);
        }
        assertThat(recentOnes).as("round %d: RFC 3501 §2.3.2, recent in one session", round).isEqualTo(round);
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls for up to 60 seconds (generous: the machine is shared); bounded in count. */
    static void waitUntil(Condition condition) throws Exception {
        for (int i = 0; i < 600 && !condition.holds(); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.holds()).as("condition within 60 s").isTrue();
    }

    /**
     * A loopback connection whose reading side does not read and whose writing side's send buffer is
     * full: the next write on {@link #out} blocks as a server's write to a client that stopped reading.
     */
    static final class StalledClient implements AutoCloseable {
        private static final int SMALL_BUFFER = 4_096;
        private static final int MAX_FILL_BYTES = 64 << 20;
        final SocketChannel reader;
        final SocketChannel writer;
        final RecordingStream out;

        private StalledClient(SocketChannel reader, SocketChannel writer) throws IOException {
            this.reader = reader;
            this.writer = writer;
            this.out = new RecordingStream(Channels.newOutputStream(writer));
        }

        static StalledClient open() throws Exception {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel reader = SocketChannel.open();
                reader.setOption(StandardSocketOptions.SO_RCVBUF, SMALL_BUFFER); // before connect: small window
                reader.connect(listener.getLocalAddress());
                SocketChannel writer = listener.accept();
                writer.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER); // fixed, not auto-tuned
                fill(writer);
                writer.configureBlocking(true);
                return new StalledClient(reader, writer);
            }
        }

        /** Writes without blocking until the kernel takes no more, even a single byte. */
        private static void fill(SocketChannel writer) throws Exception {
            writer.configureBlocking(false);
            long written = 0;
            for (int size : new int[] {1_024, 1}) {
                ByteBuffer chunk = ByteBuffer.wrap("x".repeat(size).getBytes(StandardCharsets.US_ASCII));
                int refused = 0;
                while (refused < 3 && written < MAX_FILL_BYTES) {
                    chunk.rewind();
                    int n = writer.write(chunk);
                    written += n;
                    if (n == 0) {
                        refused++;
                        Thread.sleep(20); // let loopback move what it will into the reader's buffer
                    } else {
                        refused = 0;
                    }
                }
            }
            assertThat(written).as("the peer's buffers filled").isLessThan(MAX_FILL_BYTES);
        }

        /** Reads (the client wakes up) until {@code end} arrives after the fill bytes; at most 64 MB. */
        String readUntil(String end) throws IOException {
            StringBuilder tail = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(8_192);
            long total = 0;
            while (total < MAX_FILL_BYTES + 1_024) {
                buf.clear();
                int n = reader.read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
                for (int i = 0; i < n; i++) {
                    char c = (char) buf.get(i);
                    if (c != 'x') {
                        tail.append(c);
                    }
                }
                if (tail.indexOf(end) >= 0) {
                    break;
                }
            }
            return tail.toString();
        }

        @Override
        public void close() throws IOException {
            writer.close(); // a write still blocked fails, so a fan-out pass stuck in it ends
            reader.close();
        }
    }

    /** Counts the writes (and flushes) that returned and says whether one is under way. */
    static final class RecordingStream extends FilterOutputStream {
        private final AtomicInteger entered = new AtomicInteger();
        private final AtomicInteger returned = new AtomicInteger();

        RecordingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.incrementAndGet();
            try {
                out.write(b, off, len);
            } finally {
                returned.incrementAndGet();
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        boolean inWrite() {
            return entered.get() > returned.get();
        }

        int writesReturned() {
            return returned.get();
        }
    }
}
