package jotmai.server;

import java.nio.file.Path;

import jotmai.server.config.JotmaiConfig;
import jotmai.store.Store;
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
            case "sqlite" -> openSqlite(dataDir);
            default -> throw new IllegalArgumentException("unknown store.type " + config.store().type());
        };
    }

    private static Store openSqlite(Path dataDir) {
        return SqliteStore.open(dataDir);
    }
}
