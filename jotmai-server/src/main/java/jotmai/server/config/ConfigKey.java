package jotmai.server.config;

/**
 * One documented setting: a dotted lower-case name, its type, its default (as it would be written in
 * the config file) and what it does. The list of keys in {@link ConfigKeys} is the single source for
 * parsing, defaults and docs/CONFIG.md.
 */
public record ConfigKey<T>(String name, ValueType<T> type, String defaultValue, String description) {

    public ConfigKey {
        if (!name.matches("[a-z0-9]+(\\.[a-z0-9-]+)+")) {
            throw new IllegalArgumentException("config key names are dotted lower-case: " + name);
        }
        type.parse(defaultValue); // a default that does not parse is a programming error
    }

    /** The section a key belongs to in the docs: the part before the first dot. */
    public String section() {
        return name.substring(0, name.indexOf('.'));
    }
}
