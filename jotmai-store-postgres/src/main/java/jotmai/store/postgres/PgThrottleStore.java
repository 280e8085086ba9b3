package jotmai.store.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jotmai.store.StoreException;
import jotmai.store.ThrottleStore;

/**
 * Throttle counters in the shared table auth_throttle, so every node counts the same failures.
 * Each operation is one autocommit statement; the upserts are atomic in PostgreSQL
 * (INSERT ... ON CONFLICT DO UPDATE locks the row), so concurrent failures on several nodes are
 * all counted.
 */
final class PgThrottleStore implements ThrottleStore {

    private static final String RECORD_FAILURE = """
            INSERT INTO auth_throttle (key, failures, last_failure) VALUES (?, 1, ?)
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE
                    WHEN auth_throttle.last_failure < ?
                         AND (auth_throttle.banned_until IS NULL OR auth_throttle.banned_until <= ?)
                    THEN 1 ELSE auth_throttle.failures + 1 END,
                last_failure = GREATEST(auth_throttle.last_failure, EXCLUDED.last_failure)
            RETURNING failures""";

    private static final String BAN = """
            INSERT INTO auth_throttle (key, failures, last_failure, banned_until, bans) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT (key) DO UPDATE SET
                failures = EXCLUDED.failures,
                bans = auth_throttle.bans + 1,
                banned_until = GREATEST(auth_throttle.banned_until, EXCLUDED.banned_until)""";

    private final Db db;

    PgThrottleStore(Db db) {
        this.db = db;
    }

    @Override
    public int recordFailure(String key, Instant now, Duration window) {
        checkKey(key);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(RECORD_FAILURE)) {
                ps.setString(1, key);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setTimestamp(3, Timestamp.from(now.minus(window)));
                ps.setTimestamp(4, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Override
    public Optional<State> state(String key) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT failures, last_failure, banned_until, bans FROM auth_throttle WHERE key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Timestamp banned = rs.getTimestamp(3);
                    return Optional.of(new State(rs.getInt(1), rs.getTimestamp(2).toInstant(),
                            Optional.ofNullable(banned).map(Timestamp::toInstant), rs.getInt(4)));
                }
            }
        });
    }

    @Override
    public void ban(String key, Instant until, int failuresAfter) {
        checkKey(key);
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(BAN)) {
                ps.setString(1, key);
                ps.setInt(2, failuresAfter);
                // A new row needs a last failure; "now" is the best we know (the ban follows a failure).
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.setTimestamp(4, Timestamp.from(until));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public void reset(String key) {
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM auth_throttle WHERE key = ?")) {
                ps.setString(1, key);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public int purge(Instant olderThan) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM auth_throttle
                    WHERE last_failure < ? AND (banned_until IS NULL OR banned_until < ?)""")) {
                ps.setTimestamp(1, Timestamp.from(olderThan));
                ps.setTimestamp(2, Timestamp.from(olderThan));
                return ps.executeUpdate();
            }
        });
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new StoreException.Invalid("bad throttle key");
        }
    }
}
