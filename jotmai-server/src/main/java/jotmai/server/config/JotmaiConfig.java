package jotmai.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * All settings, typed and immutable; built from {@link ConfigValues} (defaults in {@link ConfigKeys},
 * then the config file, then {@code --set}). Nothing else in Jotmai reads configuration.
 */
public record JotmaiConfig(ServerSettings server, StoreSettings store, TlsSettings tls,
                           List<ListenerSettings> listeners, ConnectionLimits limits, boolean allowPlaintextAuth,
                           SmtpSettings smtp, ImapSettings imap, Pop3Settings pop3, DeliverySettings delivery) {

    /**
     * @param hostname      the configured host name; empty means "ask the machine"
     * @param shutdownGrace how long in-flight commands may run after listeners stop at shutdown
     */
    public record ServerSettings(String hostname, Duration shutdownGrace) {}

    /**
     * @param type       the backend: "sqlite" or "postgresql"
     * @param postgresql connection settings, present when type is "postgresql"
     */
    /** {@code tombstonesPerMailbox}: store.tombstones-per-mailbox, for either backend. */
    public record StoreSettings(String type, Optional<PostgresSettings> postgresql, int tombstonesPerMailbox) {}

    /** Where the PostgreSQL store is; the password is read from {@code passwordFile} at open. */
    public record PostgresSettings(String url, String user, Optional<Path> passwordFile, int poolSize,
                                   String schema) {}

    /** PEM certificate chain and key; both empty means a generated self-signed certificate. */
    public record TlsSettings(Optional<Path> cert, Optional<Path> key) {}

    /**
     * One listener after {@code ports.offset} was applied.
     *
     * @param def     which listener (name, implicit TLS)
     * @param enabled whether it runs
     * @param port    the port to bind (configured port + offset; 0 stays 0 = any free port)
     * @param bind    addresses to bind, "*" for every address
     */
    public record ListenerSettings(ListenerDef def, boolean enabled, int port, List<String> bind) {}

    /** Per-listener connection limits (see jotmai.shared.net.ListenerConfig). */
    public record ConnectionLimits(int maxConnections, int maxPerIp, Duration tlsHandshakeTimeout, int backlog,
                                   Duration lineDeadline, int minDataRate, Duration writeStallTimeout) {}

    /** SMTP settings beyond the listeners (see docs/CONFIG.md for each). */
    public record SmtpSettings(long maxMessageSize, int maxRecipients, List<String> trustedNetworks,
                               boolean restrictSenders, int messagesPerHour, Duration greetingDelay,
                               Duration commandTimeout, Duration dataTimeout, boolean dkimVerify,
                               String authservId) {}

    /** IMAP settings beyond the listeners (see docs/CONFIG.md for each). */
    public record ImapSettings(long appendLimit, Duration loginTimeout, Duration autologoutTimeout,
                               Duration idleTimeout, boolean perUserSeen, List<String> admins) {
        /** Without IMAP administrators. */
        public ImapSettings(long appendLimit, Duration loginTimeout, Duration autologoutTimeout,
                            Duration idleTimeout, boolean perUserSeen) {
            this(appendLimit, loginTimeout, autologoutTimeout, idleTimeout, perUserSeen, List.of());
        }
    }

    /** POP3 settings beyond the listeners (see docs/CONFIG.md for each). */
    public record Pop3Settings(boolean hideSeenOverImap, OptionalInt expireDays, Duration loginDelay, boolean apop) {}

    /** A host name or address with a port. */
    public record HostPort(String host, int port) {}

    /**
     * Outbound delivery settings (see docs/CONFIG.md, delivery.* keys).
     *
     * @param tls         "none", "opportunistic" or "required"
     * @param tlsPolicies lower-case domain to one of those
     * @param relayPasswordFile the relay password is read from here at start, never logged
     */
    public record DeliverySettings(boolean enabled, List<Duration> retrySchedule, Duration retryInterval,
                                   Duration maxAge, Duration delayWarning, int maxConnections, int maxPerDomain,
                                   Optional<HostPort> resolver, java.util.Map<String, HostPort> routes,
                                   Optional<HostPort> relayHost, String relayUser, Optional<Path> relayPasswordFile,
                                   String tls, java.util.Map<String, String> tlsPolicies, boolean dkim,
                                   String dkimSelector, Duration pollInterval) {}

    /** Every setting at its documented default. */
    public static JotmaiConfig defaults() {
        return from(ConfigValues.defaults());
    }

    public static JotmaiConfig from(ConfigValues v) {
        int offset = v.get(ConfigKeys.PORT_OFFSET);
        List<ListenerSettings> listeners = ListenerDef.ALL.stream().map(def -> {
            int port = v.get(def.portKey());
            int effective = port == 0 ? 0 : port + offset;
            if (effective > 65_535) {
                throw new ConfigException(def.portKey().name() + " = " + port + " plus ports.offset = " + offset
                        + " is above 65535");
            }
            List<String> bind = v.get(def.bindKey());
            if (bind.isEmpty()) {
                throw new ConfigException(def.bindKey().name() + " is empty; use " + def.enabledKey().name()
                        + " = false to turn the listener off");
            }
            return new ListenerSettings(def, v.get(def.enabledKey()), effective, bind);
        }).toList();

        Optional<Path> cert = path(v.get(ConfigKeys.TLS_CERT));
        Optional<Path> key = path(v.get(ConfigKeys.TLS_KEY));
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException("tls.cert and tls.key must be set together");
        }
        String storeType = v.get(ConfigKeys.STORE_TYPE);
        Optional<PostgresSettings> postgresql = Optional.empty();
        switch (storeType) {
            case "sqlite" -> { }
            case "postgresql" -> {
                String url = v.get(ConfigKeys.PG_URL);
                if (!url.startsWith("jdbc:postgresql:")) {
                    throw new ConfigException("store.type = postgresql needs store.postgresql.url = "
                            + "jdbc:postgresql://HOST:PORT/DATABASE");
                }
                postgresql = Optional.of(new PostgresSettings(url, v.get(ConfigKeys.PG_USER),
                        path(v.get(ConfigKeys.PG_PASSWORD_FILE)), v.get(ConfigKeys.PG_POOL_SIZE),
                        v.get(ConfigKeys.PG_SCHEMA)));
            }
            default -> throw new ConfigException("store.type = '" + storeType
                    + "' is not supported (use sqlite or postgresql)");
        }
        return new JotmaiConfig(
                new ServerSettings(v.get(ConfigKeys.HOSTNAME), v.get(ConfigKeys.SHUTDOWN_GRACE)),
                new StoreSettings(storeType, postgresql, v.get(ConfigKeys.STORE_TOMBSTONES)),
                new TlsSettings(cert, key),
                listeners,
                new ConnectionLimits(v.get(ConfigKeys.MAX_CONNECTIONS), v.get(ConfigKeys.MAX_CONNECTIONS_PER_IP),
                        v.get(ConfigKeys.TLS_HANDSHAKE_TIMEOUT), v.get(ConfigKeys.BACKLOG),
                        v.get(ConfigKeys.LINE_DEADLINE), v.get(ConfigKeys.MIN_DATA_RATE),
                        v.get(ConfigKeys.WRITE_STALL_TIMEOUT)),
                v.get(ProtocolKeys.AUTH_ALLOW_PLAINTEXT),
                new SmtpSettings(v.get(ProtocolKeys.SMTP_MAX_MESSAGE_SIZE), v.get(ProtocolKeys.SMTP_MAX_RECIPIENTS),
                        v.get(ProtocolKeys.SMTP_TRUSTED_NETWORKS), v.get(ProtocolKeys.SMTP_RESTRICT_SENDERS),
                        v.get(ProtocolKeys.SMTP_MESSAGES_PER_HOUR), v.get(ProtocolKeys.SMTP_GREETING_DELAY),
                        v.get(ProtocolKeys.SMTP_COMMAND_TIMEOUT), v.get(ProtocolKeys.SMTP_DATA_TIMEOUT),
                        v.get(ProtocolKeys.SMTP_DKIM_VERIFY), v.get(ProtocolKeys.SMTP_AUTHSERV_ID).trim()),
                new ImapSettings(v.get(ProtocolKeys.IMAP_APPEND_LIMIT), v.get(ProtocolKeys.IMAP_LOGIN_TIMEOUT),
                        v.get(ProtocolKeys.IMAP_AUTOLOGOUT), v.get(ProtocolKeys.IMAP_IDLE_TIMEOUT),
                        perUserSeen(v.get(ProtocolKeys.IMAP_SHARED_SEEN)), admins(v.get(ProtocolKeys.IMAP_ADMINS))),
                new Pop3Settings(v.get(ProtocolKeys.POP3_HIDE_SEEN_OVER_IMAP), v.get(ProtocolKeys.POP3_EXPIRE_DAYS),
                        v.get(ProtocolKeys.POP3_LOGIN_DELAY), v.get(ProtocolKeys.POP3_APOP)),
                DeliverySettingsParser.parse(v));
    }

    public ListenerSettings listener(ListenerDef def) {
        return listeners.stream().filter(l -> l.def().equals(def)).findFirst().orElseThrow();
    }

    /** imap.admins: account addresses, compared in lower case. */
    private static List<String> admins(List<String> addresses) {
        for (String a : addresses) {
            int at = a.indexOf('@');
            if (at <= 0 || at == a.length() - 1 || a.indexOf(' ') >= 0) {
                throw new ConfigException("imap.admins: '" + a + "' is not an account address");
            }
        }
        return addresses.stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** imap.shared-seen: per-user (issue 7 default) or shared. */
    private static boolean perUserSeen(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "per-user" -> true;
            case "shared" -> false;
            default -> throw new ConfigException("imap.shared-seen = '" + value
                    + "' is not supported (use per-user or shared)");
        };
    }

    /** A path-valued setting; blank means unset, an impossible path is a {@link ConfigException}. */
    static Optional<Path> path(String text) {
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(text));
        } catch (java.nio.file.InvalidPathException e) {
            // e.g. a NUL byte: a config error like any other bad value, not a crash of the CLI.
            throw new ConfigException("not a valid path: '" + text.replace("\0", "\\0") + "' (" + e.getReason() + ")");
        }
    }
}
