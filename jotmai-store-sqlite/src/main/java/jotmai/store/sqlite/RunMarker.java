package jotmai.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects that the previous process using the data directory did not close the store, and then moves
 * every mailbox's UIDNEXT and HIGHESTMODSEQ ahead.
 *
 * <p>Why: the writer makes a durable commit visible to other sessions while its WAL fsync is still
 * running ({@link GroupCommitWriter}, pipelined group commit). A power loss in that window undoes the
 * commit although a client may already have seen its UID or MODSEQ. Handing those numbers out again
 * would break RFC 9051 §2.3.1.1 (a UID names one message for ever within a UIDVALIDITY) and RFC 7162
 * §3.1 (MODSEQs only grow; a CONDSTORE client would miss a change given a MODSEQ it already passed).
 * The numbers lost in such a window are far fewer than {@link #SKIP}; gaps are allowed by both RFCs.
 * A kill -9 also counts as unclean (it cannot be told apart from a power loss at the next start): it
 * costs only a gap.
 *
 * <p>The marker file is locked while the store is open, so a second process on the same directory
 * (the admin CLI while the server runs) neither mistakes the running server for a crash nor clears
 * the marker.
 */
final class RunMarker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunMarker.class);

    static final String FILE = "jotmai.db.running";
    /** How far UIDNEXT and HIGHESTMODSEQ move after an unclean shutdown. */
    static final long SKIP = 65_536;

    private static final byte[] RUNNING = "running\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLEAN = "clean\n".getBytes(StandardCharsets.US_ASCII);

    private final FileChannel channel;
    private final FileLock lock;

    private RunMarker(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the marker of {@code dataDir}; when the previous owner left it "running", skips the
     * numbers ahead through {@code writer}. Returns null when another process (or another store in this
     * JVM) has the directory open: that owner is alive and keeps the marker.
     */
    static RunMarker acquire(Path dataDir, GroupCommitWriter writer) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                return null;
            }
            ByteBuffer previous = ByteBuffer.allocate(RUNNING.length);
            ch.read(previous, 0);
            if (previous.position() == RUNNING.length && java.util.Arrays.equals(previous.array(), RUNNING)) {
                int mailboxes = writer.write(RunMarker::skipAhead);
                log.warn("the store was not closed cleanly last time: UIDNEXT and HIGHESTMODSEQ of {} mailboxes "
                        + "moved ahead by {} so that no number a client may have seen is handed out again",
                        mailboxes, SKIP);
            }
            RunMarker marker = new RunMarker(ch, lock);
            marker.write(RUNNING);
            return marker;
        } catch (IOException e) {
            // without the marker the store still works; only the crash precaution is lost
            log.warn("cannot use the run marker in {}: {}", dataDir, e.toString());
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            return null;
        }
    }

    private static int skipAhead(Tx tx) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement(
                "UPDATE mailbox SET uid_next = MIN(uid_next + ?, ?), highest_modseq = highest_modseq + ?")) {
            ps.setLong(1, SKIP);
            ps.setLong(2, MessageRows.MAX_UID + 1);
            ps.setLong(3, SKIP);
            return ps.executeUpdate();
        }
    }

    private void write(byte[] state) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(state), 0);
        channel.force(true);
    }

    /** Marks a clean shutdown; call after the last write reached the disk. */
    @Override
    public void close() {
        try {
            write(CLEAN);
        } catch (IOException e) {
            log.warn("cannot mark the store as closed cleanly: {}", e.toString());
        } finally {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
