package jotmai.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.server.Stores;
import jotmai.server.config.ConfigLoader;
import jotmai.server.config.JotmaiConfig;
import jotmai.store.Store;
import picocli.CommandLine.Option;

/** Options every command takes: where the data is and which settings apply. */
final class StoreOptions {

    /** Read from the data directory when no --config is given and the file exists. */
    static final String DEFAULT_CONFIG_FILE = "jotmai.conf";

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "Data directory: the store, generated TLS certificate and jotmai.conf (default: ./data).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: DIR/jotmai.conf if it exists). See docs/CONFIG.md.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Overrides one setting, e.g. --set imap.port=1143 (repeatable).")
    List<String> overrides = new ArrayList<>();

    JotmaiConfig config() {
        Optional<Path> file = Optional.ofNullable(configFile);
        if (file.isEmpty() && Files.isRegularFile(dataDir.resolve(DEFAULT_CONFIG_FILE))) {
            file = Optional.of(dataDir.resolve(DEFAULT_CONFIG_FILE));
        }
        return ConfigLoader.load(file, overrides);
    }

    /** Opens the store, creating the data directory on first use. */
    Store openStore(JotmaiConfig config) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new CliException("cannot create data directory " + dataDir + ": " + e.getMessage());
        }
        return Stores.open(config, dataDir);
    }

    Store openStore() {
        return openStore(config());
    }
}
