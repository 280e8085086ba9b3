package jotmai.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import jotmai.store.Account;
import jotmai.store.Mailbox;

/** Test helpers of this module: a first account, and a look into the database file from outside. */
final class StoreTestSupport {
    private StoreTestSupport() {}

    /** Hosts example.com with the account a@example.com and returns its INBOX. */
    static Mailbox inboxOfNewAccount(SqliteStore store) {
        store.accounts().addDomain("example.com");
        Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
        return store.mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow();
    }

    /** The first column of the first row of {@code sql} (a count) in the database of the store in {@code dir}. */
    static long count(Path dir, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteStore.DATABASE_FILE));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
