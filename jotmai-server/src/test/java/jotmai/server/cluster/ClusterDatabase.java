package jotmai.server.cluster;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jotmai.server.Stores;
import jotmai.server.config.ConfigLoader;
import jotmai.shared.auth.Passwords;
import jotmai.store.Store;

/**
 * The test PostgreSQL of bin/pg-test.sh (JOTMAI_TEST_PG_URL, _USER, _PASSWORD) seen as the shared
 * database of a Jotmai cluster: one fresh schema per test class, the {@code store.*} settings every
 * node gets, and admin set-up done in-process through the same {@link Stores} the CLI uses. Without
 * the variables the tests are skipped, unless CI=true, where they fail.
 */
final class ClusterDatabase implements AutoCloseable {

    final String url;
    final String user;
    final String password;
    final String schema = "cl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final Path passwordFile;

    private ClusterDatabase(String url, String user, String password, Path passwordFile) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.passwordFile = passwordFile;
    }

    /** The test database, or a skipped test (a failed one in CI). */
    static ClusterDatabase fromEnvironment(Path dir) throws IOException {
        String url = System.getenv("JOTMAI_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            String why = "JOTMAI_TEST_PG_URL is not set; run: bin/pg-test.sh start && export $(bin/pg-test.sh env)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        String password = System.getenv().getOrDefault("JOTMAI_TEST_PG_PASSWORD", "mailpw");
        Path file = dir.resolve("pg-password");
        Files.writeString(file, password + "\n");
        return new ClusterDatabase(url, System.getenv().getOrDefault("JOTMAI_TEST_PG_USER", "mail"), password, file);
    }

    /** Host and port of the database server (for a proxy in front of it). */
    URI hostAndPort() {
        return URI.create(url.substring("jdbc:".length()));
    }

    /** The store settings of a node that reaches the database at {@code jdbcUrl}. */
    List<String> storeSettings(String jdbcUrl, int poolSize) {
        return List.of("store.type=postgresql", "store.postgresql.url=" + jdbcUrl, "store.postgresql.user=" + user,
                "store.postgresql.password-file=" + passwordFile, "store.postgresql.pool-size=" + poolSize,
                "store.postgresql.schema=" + schema);
    }

    /** Opens the shared store in this JVM (migrates the schema on first use), as an admin command does. */
    Store openAdmin(Path dataDir) {
        return Stores.open(ConfigLoader.load(Optional.empty(), storeSettings(url, 2)), dataDir);
    }

    /** Adds the domain (if new) and an account with that password; returns nothing, the nodes look it up. */
    static void addUser(Store admin, String address, String password) {
        String domain = address.substring(address.indexOf('@') + 1);
        if (!admin.accounts().isHostedDomain(domain)) {
            admin.accounts().addDomain(domain);
        }
        admin.accounts().createAccount(address, Passwords.hash(password), 0);
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }
}
