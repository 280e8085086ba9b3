package jotmai.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

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
    };

    public abstract void set(PreparedStatement ps, int index, Instant at) throws SQLException;

    /** The column's value; the column must not be NULL. */
    public abstract Instant get(ResultSet rs, int index) throws SQLException;
}
