package jotmai.server.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The raw text of every setting after the config file and {@code --set} overrides were applied, keyed
 * by name; keys not given carry their documented default. Only known keys get in.
 */
public final class ConfigValues {
    private final Map<String, String> values;

    ConfigValues(Map<String, String> explicit) {
        Map<String, String> all = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.all()) {
            all.put(key.name(), explicit.getOrDefault(key.name(), key.defaultValue()));
        }
        this.values = Map.copyOf(all);
    }

    /** Every key at its default. */
    public static ConfigValues defaults() {
        return new ConfigValues(Map.of());
    }

    /** The typed value of a key; the text was validated when it was loaded. */
    public <T> T get(ConfigKey<T> key) {
        String text = Objects.requireNonNull(values.get(key.name()), key.name());
        return key.type().parse(text);
    }

    public String text(String name) {
        return values.get(name);
    }
}
