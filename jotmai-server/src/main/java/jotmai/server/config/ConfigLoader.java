package jotmai.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the config file and applies {@code --set key=value} overrides.
 *
 * <p>The file format is deliberately small: one {@code key = value} per line, {@code #} starts a
 * comment line, blank lines are ignored, surrounding blanks are trimmed. Keys are the dotted names of
 * docs/CONFIG.md; an unknown key or a value that does not parse is an error naming the file and line,
 * so a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    /** A config file larger than this is not a config file. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private ConfigLoader() {
    }

    /**
     * Loads the settings.
     *
     * @param file      the config file, if any; it must exist when given
     * @param overrides {@code key=value} strings from the command line, applied after the file
     */
    public static JotmaiConfig load(Optional<Path> file, List<String> overrides) {
        return JotmaiConfig.from(values(file, overrides));
    }

    public static ConfigValues values(Optional<Path> file, List<String> overrides) {
        Map<String, String> explicit = new LinkedHashMap<>();
        if (file.isPresent()) {
            readFile(file.get(), explicit);
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set expects key=value, got '" + override + "'");
            }
            // Same whitespace rule as the file (strip, Unicode-aware) so a value means the same wherever it is given.
            put(explicit, override.substring(0, eq).strip(), override.substring(eq + 1).strip(), "--set");
        }
        return new ConfigValues(explicit);
    }

    private static void readFile(Path file, Map<String, String> into) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a config file");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(where + ": expected 'key = value', got '" + line + "'");
            }
            put(into, line.substring(0, eq).strip(), line.substring(eq + 1).strip(), where);
        }
    }

    private static void put(Map<String, String> into, String name, String value, String where) {
        ConfigKey<?> key = ConfigKeys.byName(name).orElseThrow(() ->
                new ConfigException(where + ": unknown setting '" + name + "' (see docs/CONFIG.md)"));
        try {
            key.type().parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + name + " = '" + value + "': " + e.getMessage());
        }
        into.put(name, value);
    }
}
