package jotmai.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jotmai.server.config.ConfigException;
import jotmai.server.config.JotmaiConfig;
import jotmai.store.Store;
import jotmai.store.postgres.PostgresConfig;
import jotmai.store.postgres.PostgresStore;
import jotmai.store.sqlite.SqliteStore;

/**
 * Opens the configured store backend. The only place in Jotmai that names a backend class: protocol
 * modules see {@link Store} only.
 */
public final class Stores {

    private Stores() {
    }

    /**
     * Opens the store for a data directory. Both the server and the admin commands call this; the
     * backend must allow both at once (admin commands work while the server runs).
     */
    public static Store open(JotmaiConfig config, Path dataDir) {
        return switch (config.store().type()) {
            case "sqlite" -> openSqlite(dataDir, config.store().tombstonesPerMailbox());
            case "postgresql" -> openPostgres(config.store().postgresql().orElseThrow(),
                    config.store().tombstonesPerMailbox());
            default -> throw new IllegalArgumentException("unknown store.type " + config.store().type());
        };
    }

    private static Store openSqlite(Path dataDir, int tombstones) {
        return SqliteStore.open(dataDir, SqliteStore.Options.DEFAULTS.withTombstonesKept(tombstones));
    }

    private static Store openPostgres(JotmaiConfig.PostgresSettings pg, int tombstones) {
        String password = pg.passwordFile().map(Stores::firstLine).orElse("");
        PostgresConfig config;
        try {
            config = PostgresConfig.of(pg.url(), pg.user(), password).withPoolSize(pg.poolSize())
                    .withSchema(pg.schema()).withTombstonesKept(tombstones);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("store.postgresql: " + e.getMessage());
        }
        return PostgresStore.open(config);
    }

    /** The password file's first line; a file that cannot be read is a config error, said in one line. */
    private static String firstLine(Path file) {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().orElse("").strip();
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException("store.postgresql.password-file: cannot read " + file + ": " + e.getMessage());
        }
    }
}
