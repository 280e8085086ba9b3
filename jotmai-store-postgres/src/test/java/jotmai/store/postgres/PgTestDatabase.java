package jotmai.store.postgres;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

/**
 * The test database from bin/pg-test.sh: JOTMAI_TEST_PG_URL, _USER, _PASSWORD. Without them the
 * tests are skipped, unless CI=true, where they fail. Each test class works in a fresh schema.
 */
final class PgTestDatabase {

    private PgTestDatabase() {}

    static String url() {
        String url = System.getenv("JOTMAI_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            String why = "JOTMAI_TEST_PG_URL is not set; run: bin/pg-test.sh start && export $(bin/pg-test.sh env)";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            assumeTrue(false, why);
        }
        return url;
    }

    static String user() {
        return System.getenv().getOrDefault("JOTMAI_TEST_PG_USER", "mail");
    }

    static String password() {
        return System.getenv().getOrDefault("JOTMAI_TEST_PG_PASSWORD", "mailpw");
    }

    /** A config for a fresh, uniquely named schema (created by Flyway at open). */
    static PostgresConfig freshSchema() {
        return configFor(url(), "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    static PostgresConfig configFor(String url, String schema) {
        return PostgresConfig.of(url, user(), password()).withSchema(schema).withPoolSize(8)
                .withConnectionTimeout(Duration.ofSeconds(2));
    }

    /** Host and port of the test database (for the outage proxy). */
    static URI hostAndPort() {
        return URI.create(url().substring("jdbc:".length()));
    }

    static void dropSchema(PostgresConfig config) {
        try (Connection c = DriverManager.getConnection(url(), user(), password());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + config.schema(), e);
        }
    }
}
