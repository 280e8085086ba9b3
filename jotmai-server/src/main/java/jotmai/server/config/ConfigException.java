package jotmai.server.config;

/**
 * A config file or {@code --set} value that cannot be used. The message is one line meant for the
 * operator (it names the key, the file and line when there is one, and what is expected).
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
