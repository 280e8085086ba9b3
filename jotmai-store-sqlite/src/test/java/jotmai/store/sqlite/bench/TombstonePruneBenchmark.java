package jotmai.store.sqlite.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MailStore;
import jotmai.store.sqlite.SqliteStore;
import jotmai.store.jdbc.TombstonePruner;

/**
 * Cost of pruning expunge tombstones on SQLite (not a test): a fresh store whose INBOX gets
 * {@code tombstones} tombstone rows (written directly, as years of expunges would leave them), then
 * {@link MailStore#pruneTombstones} in {@link TombstonePruner#BATCH}-row transactions down to
 * {@link TombstonePruner#DEFAULT_KEEP}. Prints the total, the median and the largest batch time (the
 * longest the single writer is held, which is what user writes queued behind it wait), and the
 * database size before and after a VACUUM. Also times changesSince below and above the floor.
 *
 * <pre>java -cp ... jotmai.store.sqlite.bench.TombstonePruneBenchmark [TOMBSTONES]</pre>
 */
public final class TombstonePruneBenchmark {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path dir = Files.createTempDirectory("jotmai-tombstone-bench");
        long mailboxId;
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("bench.test");
            Account a = store.accounts().createAccount("u@bench.test", "{PLAIN}x", 0);
            mailboxId = store.mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow().id();
        }
        Path db = dir.resolve(SqliteStore.DATABASE_FILE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tombstone(mailbox_id, uid, modseq) VALUES (?, ?, ?)")) {
                for (int i = 1; i <= count; i++) {
                    ps.setLong(1, mailboxId);
                    ps.setLong(2, i);
                    ps.setLong(3, 1 + i / 3); // a few expunges share a MODSEQ, as EXPUNGE of several does
                    ps.addBatch();
                    if (i % 10_000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE mailbox SET highest_modseq = " + (2 + count / 3) + ", uid_next = " + (count + 1)
                        + " WHERE id = " + mailboxId);
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        long sizeBefore = Files.size(db);
        // the background pruner stays out of the way: this run prunes by hand
        try (SqliteStore store = SqliteStore.open(dir, SqliteStore.Options.DEFAULTS.withTombstonesKept(Integer.MAX_VALUE))) {
            MailStore mail = store.mail();
            for (int i = 0; i < 20; i++) {
                mail.changesSince(mailboxId, count / 3 - 100); // warm-up
            }
            long t0 = System.nanoTime();
            mail.changesSince(mailboxId, count / 3 - 100);
            long aboveFloorBefore = System.nanoTime() - t0;
            List<Long> batches = new ArrayList<>();
            long total = 0;
            long started = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                long b = System.nanoTime();
                int n = mail.pruneTombstones(mailboxId, TombstonePruner.DEFAULT_KEEP, TombstonePruner.BATCH);
                batches.add(System.nanoTime() - b);
                total += n;
                if (n < TombstonePruner.BATCH) {
                    break;
                }
            }
            long elapsed = System.nanoTime() - started;
            Collections.sort(batches);
            t0 = System.nanoTime();
            var below = mail.changesSince(mailboxId, 1);
            long belowFloor = System.nanoTime() - t0;
            t0 = System.nanoTime();
            mail.changesSince(mailboxId, count / 3 - 100);
            long aboveFloorAfter = System.nanoTime() - t0;
            System.out.printf("pruned %d of %d tombstones in %d batches, %.0f ms in all (%.1f us per row)%n", total, count,
                    batches.size(), elapsed / 1e6, elapsed / 1e3 / Math.max(1, total));
            System.out.printf("batch wall time (queueing, work on the single writer, commit, fsync): median %.2f ms, max %.2f ms%n",
                    batches.get(batches.size() / 2) / 1e6, batches.getLast() / 1e6);
            System.out.printf("changesSince above the floor: %.2f ms before, %.2f ms after; below the floor: %.2f ms"
                    + " (incomplete=%s)%n", aboveFloorBefore / 1e6, aboveFloorAfter / 1e6, belowFloor / 1e6,
                    !below.expungesComplete());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            s.execute("VACUUM");
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM tombstone")) {
                rs.next();
                System.out.printf("database: %d KB before, %d KB after pruning and VACUUM (%d tombstone rows left)%n",
                        sizeBefore / 1024, Files.size(db) / 1024, rs.getLong(1));
            }
        }
    }
}
