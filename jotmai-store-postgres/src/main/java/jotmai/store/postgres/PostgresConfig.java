package jotmai.store.postgres;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import jotmai.store.jdbc.TombstonePruner;

/**
 * How to reach PostgreSQL ({@code store.type = postgresql}).
 *
 * @param jdbcUrl           e.g. "jdbc:postgresql://db.example:5432/maildb"
 * @param poolSize          connections in this node's pool (plus two dedicated ones: LISTEN and locks)
 * @param schema            schema holding the tables; created and migrated at open (tests use one per class)
 * @param connectionTimeout how long an operation waits for a pooled connection before it fails with
 *                          {@link jotmai.store.StoreException.Unavailable} (also the connect timeout)
 * @param blobGrace         how long the bytes of an expunged message stay readable for sessions that
 *                          still show it (RFC 9051 §7.5.1) before they are purged
 * @param synchronousCommit {@code synchronous_commit} of this node's sessions; keep true in production,
 *                          so that what an operation acknowledges is on stable storage (and on a
 *                          synchronous standby when one is configured)
 * @param tombstonesKept    expunge tombstones kept per mailbox (older ones are pruned in the background;
 *                          QRESYNC below them answers a superset, see {@link jotmai.store.Changes})
 */
public record PostgresConfig(
        String jdbcUrl,
        String user,
        String password,
        int poolSize,
        String schema,
        Duration connectionTimeout,
        Duration blobGrace,
        boolean synchronousCommit,
        int tombstonesKept) {

    public static final int DEFAULT_POOL_SIZE = 16;
    public static final String DEFAULT_SCHEMA = "public";
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_BLOB_GRACE = Duration.ofMinutes(30);

    /** Lower-case SQL identifier: the schema name also becomes part of the NOTIFY channel name. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,40}");

    public PostgresConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(blobGrace, "blobGrace");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        if (poolSize < 1 || poolSize > 1000) {
            throw new IllegalArgumentException("pool size must be 1..1000: " + poolSize);
        }
        if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must be a lower-case SQL identifier: " + schema);
        }
        if (connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connection timeout below 250 ms");
        }
        if (tombstonesKept < 0) {
            throw new IllegalArgumentException("tombstones kept must not be negative: " + tombstonesKept);
        }
    }

    /** Without {@code tombstonesKept}: the default, {@link TombstonePruner#DEFAULT_KEEP}. */
    public PostgresConfig(String jdbcUrl, String user, String password, int poolSize, String schema,
                          Duration connectionTimeout, Duration blobGrace, boolean synchronousCommit) {
        this(jdbcUrl, user, password, poolSize, schema, connectionTimeout, blobGrace, synchronousCommit,
                TombstonePruner.DEFAULT_KEEP);
    }

    public PostgresConfig withTombstonesKept(int tombstonesKept) {
        return new PostgresConfig(jdbcUrl, user, password, poolSize, schema, connectionTimeout, blobGrace,
                synchronousCommit, tombstonesKept);
    }

    /** Production defaults for the given database and credentials. */
    public static PostgresConfig of(String jdbcUrl, String user, String password) {
        return new PostgresConfig(jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA,
                DEFAULT_CONNECTION_TIMEOUT, DEFAULT_BLOB_GRACE, true);
    }

    public PostgresConfig withSchema(String schema) {
        return new PostgresConfig(jdbcUrl, user, password, poolSize, schema, connectionTimeout, blobGrace,
                synchronousCommit, tombstonesKept);
    }

    public PostgresConfig withPoolSize(int poolSize) {
        return new PostgresConfig(jdbcUrl, user, password, poolSize, schema, connectionTimeout, blobGrace,
                synchronousCommit, tombstonesKept);
    }

    public PostgresConfig withConnectionTimeout(Duration connectionTimeout) {
        return new PostgresConfig(jdbcUrl, user, password, poolSize, schema, connectionTimeout, blobGrace,
                synchronousCommit, tombstonesKept);
    }

    /** Never shows the password (configs end up in logs). */
    @Override
    public String toString() {
        return "PostgresConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=***, poolSize=" + poolSize
                + ", schema=" + schema + ", connectionTimeout=" + connectionTimeout + ", blobGrace=" + blobGrace
                + ", synchronousCommit=" + synchronousCommit + ", tombstonesKept=" + tombstonesKept + "]";
    }
}
