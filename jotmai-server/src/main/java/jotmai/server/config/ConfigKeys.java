package jotmai.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting Jotmai reads, with defaults and documentation. This list is the only place a key is
 * defined: {@link ConfigLoader} parses and validates against it, {@link JotmaiConfig#from} builds the
 * typed record tree from it, and {@link ConfigDoc} writes docs/CONFIG.md from it.
 */
public final class ConfigKeys {

    /** The bind value meaning every local address. */
    public static final String ALL_ADDRESSES = "*";

    public static final ConfigKey<String> HOSTNAME = new ConfigKey<>("server.hostname", ValueType.STRING, "",
            "The server's fully qualified name, used in greetings, Received headers and the self-signed "
                    + "certificate. Empty means the machine's host name.");
    public static final ConfigKey<Duration> SHUTDOWN_GRACE = new ConfigKey<>("server.shutdown-grace",
            ValueType.DURATION, "10s",
            "On SIGTERM/SIGINT: how long running commands may take to finish after listeners stop accepting.");

    public static final ConfigKey<String> STORE_TYPE = new ConfigKey<>("store.type", ValueType.STRING, "sqlite",
            "Message store backend: `sqlite` (embedded, in the data directory; nothing to install) or "
                    + "`postgresql` (several Jotmai nodes can share it; see the store.postgresql keys).");
    public static final ConfigKey<Integer> STORE_TOMBSTONES = new ConfigKey<>("store.tombstones-per-mailbox",
            ValueType.COUNT, "1000", "Expunge tombstones kept per mailbox (both backends). Older ones are "
                    + "pruned in the background; a QRESYNC client that missed more expunges than this in a "
                    + "mailbox gets all UIDs of its known range that no longer exist as VANISHED (correct, "
                    + "but larger). See docs/ARCHITECTURE.md, Expunge tombstones.");
    public static final ConfigKey<String> PG_URL = new ConfigKey<>("store.postgresql.url", ValueType.STRING, "",
            "JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://db.example:5432/mail. Required when "
                    + "store.type = postgresql; the schema is created and migrated at start.");
    public static final ConfigKey<String> PG_USER = new ConfigKey<>("store.postgresql.user", ValueType.STRING,
            "jotmai", "PostgreSQL user.");
    public static final ConfigKey<String> PG_PASSWORD_FILE = new ConfigKey<>("store.postgresql.password-file",
            ValueType.STRING, "", "File whose first line is the PostgreSQL password (kept out of the config "
                    + "file and the command line); empty means no password.");
    public static final ConfigKey<Integer> PG_POOL_SIZE = new ConfigKey<>("store.postgresql.pool-size",
            ValueType.COUNT, "16", "Database connections this node keeps open.");
    public static final ConfigKey<String> PG_SCHEMA = new ConfigKey<>("store.postgresql.schema", ValueType.STRING,
            "public", "Schema holding Jotmai's tables (a lower-case SQL identifier).");

    public static final ConfigKey<String> TLS_CERT = new ConfigKey<>("tls.cert", ValueType.STRING, "",
            "PEM certificate chain (e.g. certbot's fullchain.pem), reloaded when it changes. Empty: a "
                    + "self-signed certificate is generated in the data directory on first start.");
    public static final ConfigKey<String> TLS_KEY = new ConfigKey<>("tls.key", ValueType.STRING, "",
            "PEM private key for tls.cert (e.g. certbot's privkey.pem).");

    public static final ConfigKey<Integer> PORT_OFFSET = new ConfigKey<>("ports.offset", ValueType.OFFSET, "0",
            "Added to every listener port. 20000 moves 25/143/... to 20025/20143/..., which an ordinary "
                    + "user may bind (ports below 1024 need root or CAP_NET_BIND_SERVICE).");

    public static final ConfigKey<Integer> MAX_CONNECTIONS = new ConfigKey<>("limits.max-connections",
            ValueType.COUNT, "20000", "Open connections allowed per listener.");
    public static final ConfigKey<Integer> MAX_CONNECTIONS_PER_IP = new ConfigKey<>(
            "limits.max-connections-per-ip", ValueType.COUNT, "100",
            "Open connections allowed per listener from one remote address.");
    public static final ConfigKey<Duration> TLS_HANDSHAKE_TIMEOUT = new ConfigKey<>(
            "limits.tls-handshake-timeout", ValueType.DURATION, "30s",
            "How long a client may take to complete a TLS handshake.");
    public static final ConfigKey<Duration> LINE_DEADLINE = new ConfigKey<>("limits.line-deadline",
            ValueType.DURATION, "2m", "Once a client has begun a command line (or any line of a message "
                    + "it sends), the rest must arrive within this time plus one second per "
                    + "limits.min-data-rate octets already received; cuts clients that trickle bytes "
                    + "(slowloris). 0s turns it off.");
    public static final ConfigKey<Integer> MIN_DATA_RATE = new ConfigKey<>("limits.min-data-rate",
            ValueType.COUNT, "500", "Octets per second of a long line (literal, DATA or BDAT body) that "
                    + "extend limits.line-deadline by a second each: slower uploads are cut.");
    public static final ConfigKey<Duration> WRITE_STALL_TIMEOUT = new ConfigKey<>("limits.write-stall-timeout",
            ValueType.DURATION, "2m", "A write to a client that makes no progress this long (the client "
                    + "stopped reading) ends the connection.");
    public static final ConfigKey<Integer> BACKLOG = new ConfigKey<>("limits.accept-backlog", ValueType.COUNT,
            "512", "Pending TCP connections the kernel queues per listener before accepting.");

    private static final List<ConfigKey<?>> ALL;
    private static final Map<String, ConfigKey<?>> BY_NAME;

    static {
        List<ConfigKey<?>> keys = new ArrayList<>(List.of(HOSTNAME, SHUTDOWN_GRACE, STORE_TYPE, STORE_TOMBSTONES, PG_URL, PG_USER,
                PG_PASSWORD_FILE, PG_POOL_SIZE, PG_SCHEMA, TLS_CERT, TLS_KEY,
                PORT_OFFSET, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP, TLS_HANDSHAKE_TIMEOUT, LINE_DEADLINE, MIN_DATA_RATE,
                WRITE_STALL_TIMEOUT, BACKLOG));
        for (ListenerDef listener : ListenerDef.ALL) {
            keys.add(listener.enabledKey());
            keys.add(listener.portKey());
            keys.add(listener.bindKey());
            // protocol settings sit next to the listener of the same name in the docs
            ProtocolKeys.ALL.stream().filter(k -> k.section().equals(listener.name())).forEach(keys::add);
        }
        ProtocolKeys.ALL.stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        keys.addAll(DeliveryKeys.ALL);
        Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
        for (ConfigKey<?> key : keys) {
            if (byName.put(key.name(), key) != null) {
                throw new IllegalStateException("config key defined twice: " + key.name());
            }
        }
        ALL = List.copyOf(keys);
        BY_NAME = byName;
    }

    private ConfigKeys() {
    }

    /** Every key, in documentation order. */
    public static List<ConfigKey<?>> all() {
        return ALL;
    }

    public static Optional<ConfigKey<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
