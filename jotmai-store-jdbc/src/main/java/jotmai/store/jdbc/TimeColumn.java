package jotmai.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** How a backend stores a point in time: the one column type that differs between the two schemas. */
public enum TimeColumn {

    /** SQLite: INTEGER milliseconds since the epoch (columns named {@code *_ms}). */
    EPOCH_MILLIS {
        @Override
        public void set(PreparedStatement ps, int index, Instant at) throws SQLException {
            ps.setLong(index, at.toEpochMilli());
        }

        @Override
        public Instant get(ResultSet rs, int index) throws SQLException {
            return Instant.ofEpochMilli(rs.getLong(index));
        }

        @Override
        public Optional<Instant> find(ResultSet rs, int index) throws SQLException {
            long ms = rs.getLong(index);
            return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(ms));
        }
    },

    /** PostgreSQL: timestamptz, written in whole milliseconds so it reads back as written. */
    TIMESTAMPTZ {
        @Override
        public void set(PreparedStatement ps, int index, Instant at) throws SQLException {
            ps.setObject(index, at.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC));
        }

        @Override
        public Instant get(ResultSet rs, int index) throws SQLException {
            return rs.getObject(index, OffsetDateTime.class).toInstant();
        }

        @Override
        public Optional<Instant> find(ResultSet rs, int index) throws SQLException {
            return Optional.ofNullable(rs.getObject(index, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
        }
    };

    public abstract void set(PreparedStatement ps, int index, Instant at) throws SQLException;

    /** The column's value; the column must not be NULL. */
    public abstract Instant get(ResultSet rs, int index) throws SQLException;

    /** The column's value, empty when it is NULL. */
    public abstract Optional<Instant> find(ResultSet rs, int index) throws SQLException;
}
