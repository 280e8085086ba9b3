package jotmai.store.sqlite;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.sqlite.SQLiteConnection;
import org.sqlite.jdbc4.JDBC4Connection;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * A sqlite-jdbc connection whose {@code prepareStatement(sql)} returns a cached statement whose
 * {@code close()} only clears its parameters. Preparing is a JNI call plus SQLite's SQL compiler; the
 * store runs the same few dozen statements over and over, so caching them cuts CPU per command.
 *
 * <p>A subclass of the driver's own classes rather than a {@code java.lang.reflect.Proxy} around them:
 * the proxy cost a reflective call on every JDBC method (setLong, next, getLong...), measurable in
 * the CPU per IMAP command (docs/BENCHMARKS.md, IMAP, fourth round).
 *
 * <p>Only for a connection used by one thread at a time (the writer, or a reader taken from the pool),
 * and only for code that does not run the same SQL again while a result set of it is still open.
 */
final class CachingConnection extends JDBC4Connection {

    /** Distinct SQL texts kept prepared; the least recently used is closed beyond this. */
    static final int MAX_STATEMENTS = 256;

    private final Map<String, CachedStatement> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CachedStatement> eldest) {
            if (size() > MAX_STATEMENTS) {
                eldest.getValue().reallyClose();
                return true;
            }
            return false;
        }
    };

    private CachingConnection(String url, String fileName) throws SQLException {
        super(url, fileName, new Properties());
    }

    /** Opens the database file as {@code DriverManager.getConnection("jdbc:sqlite:" + file)} would. */
    static CachingConnection open(Path file) throws SQLException {
        return new CachingConnection("jdbc:sqlite:" + file, file.toString());
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        CachedStatement cached = cache.get(sql);
        if (cached == null || cached.isClosed()) {
            cached = new CachedStatement(this, sql);
            cache.put(sql, cached);
        }
        return cached;
    }

    @Override
    public void close() throws SQLException {
        for (CachedStatement ps : cache.values()) {
            ps.reallyClose();
        }
        cache.clear();
        super.close();
    }

    /** A statement whose close() only clears its parameters; {@link #reallyClose} finalizes it. */
    static final class CachedStatement extends JDBC4PreparedStatement {

        CachedStatement(SQLiteConnection conn, String sql) throws SQLException {
            super(conn, sql);
        }

        @Override
        public void close() throws SQLException {
            clearParameters();
        }

        void reallyClose() {
            try {
                super.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
