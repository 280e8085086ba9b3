package jotmai.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flag-only transactions commit asynchronously (Db.txRelaxed) and leave the pooled connection as they
 * found it: with one pooled connection, every later transaction and read runs on the same session, so
 * a leaked setting would show.
 */
class PostgresRelaxedCommitTest {

    private Db db;

    @BeforeEach
    void open() {
        db = new Db(PgTestDatabase.configFor(PgTestDatabase.url(), "public").withPoolSize(1));
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private static String synchronousCommit(java.sql.Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aRelaxedTransactionCommitsAsynchronouslyAndTheNextOneIsSynchronousAgain() {
        String inRelaxed = db.txRelaxed(tx -> synchronousCommit(tx.c()));
        String inNext = db.tx(tx -> synchronousCommit(tx.c()));
        String inRead = db.read(PostgresRelaxedCommitTest::synchronousCommit);
        assertThat(inRelaxed).isEqualTo("off");
        assertThat(inNext).isEqualTo("on");
        assertThat(inRead).isEqualTo("on");
    }

    @Test
    void aRelaxedTransactionThatFailsLeavesTheConnectionSynchronous() {
        try {
            db.txRelaxed(tx -> {
                try (Statement s = tx.c().createStatement()) {
                    s.execute("SELECT 1/0");
                }
                return null;
            });
        } catch (RuntimeException expected) {
            // division by zero: rolled back
        }
        String inNext = db.tx(tx -> synchronousCommit(tx.c()));
        assertThat(inNext).isEqualTo("on");
    }
}
