package jotmai.server.config;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Settings of the protocol servers that are not about listeners; {@link JotmaiConfig} collects them
 * and jotmai.server.ProtocolConfigs maps them onto each module's config record (SmtpConfig,
 * ImapConfig, Pop3Config). The defaults here are those modules' defaults.
 */
final class ProtocolKeys {

    static final ConfigKey<Boolean> AUTH_ALLOW_PLAINTEXT = new ConfigKey<>("auth.allow-plaintext", ValueType.BOOLEAN,
            "false", "Allow passwords (SMTP AUTH, IMAP LOGIN, POP3 USER/PASS) on connections without TLS from "
                    + "non-loopback clients. Loopback clients may always (RFC 2595 §2.1, RFC 9051 §6.2.3).");

    static final ConfigKey<Long> SMTP_MAX_MESSAGE_SIZE = new ConfigKey<>("smtp.max-message-size", ValueType.SIZE,
            "50M", "All SMTP listeners: largest message accepted (advertised as SIZE, RFC 1870; enforced "
                    + "while reading DATA).");
    static final ConfigKey<Integer> SMTP_MAX_RECIPIENTS = new ConfigKey<>("smtp.max-recipients", ValueType.COUNT,
            "100", "All SMTP listeners: recipients per message; more get 452 (RFC 5321 §4.5.3.1.8).");
    static final ConfigKey<List<String>> SMTP_TRUSTED_NETWORKS = new ConfigKey<>("smtp.trusted-networks",
            ValueType.LIST, "127.0.0.0/8, ::1/128",
            "CIDR blocks that may relay through the port 25 listener without AUTH (e.g. web servers "
                    + "sending for their sites). Everyone else gets 550 5.7.1 for non-hosted recipients.");
    static final ConfigKey<Boolean> SMTP_RESTRICT_SENDERS = new ConfigKey<>("smtp.restrict-senders",
            ValueType.BOOLEAN, "true",
            "An authenticated user may send only from its own address and its aliases.");
    static final ConfigKey<Integer> SMTP_MESSAGES_PER_HOUR = new ConfigKey<>("smtp.messages-per-hour",
            ValueType.OFFSET, "500", "Messages per hour an authenticated user may submit (0: no limit).");
    static final ConfigKey<Duration> SMTP_GREETING_DELAY = new ConfigKey<>("smtp.greeting-delay", ValueType.DURATION,
            "1s", "Port 25: wait this long before the greeting and refuse clients that talk first (0s: off).");
    static final ConfigKey<Duration> SMTP_COMMAND_TIMEOUT = new ConfigKey<>("smtp.command-timeout",
            ValueType.DURATION, "5m", "How long to wait for the next SMTP command (RFC 5321 §4.5.3.2.7).");
    static final ConfigKey<Duration> SMTP_DATA_TIMEOUT = new ConfigKey<>("smtp.data-timeout", ValueType.DURATION,
            "5m", "How long to wait for each block of message data (RFC 5321 §4.5.3.2.6).");
    static final ConfigKey<Boolean> SMTP_DKIM_VERIFY = new ConfigKey<>("smtp.dkim-verify", ValueType.BOOLEAN, "true",
            "MX listener: verify DKIM signatures (RFC 6376; keys from DNS through delivery.resolver) and put the "
                    + "result in an Authentication-Results field (RFC 8601) on top of each message.");
    static final ConfigKey<String> SMTP_AUTHSERV_ID = new ConfigKey<>("smtp.authserv-id", ValueType.STRING, "",
            "MX listener: the authserv-id in our Authentication-Results fields; incoming fields that claim it are "
                    + "removed (RFC 8601 §5). Empty: the server's host name.");

    static final ConfigKey<Boolean> POP3_HIDE_SEEN_OVER_IMAP = new ConfigKey<>("pop3.hide-seen-over-imap",
            ValueType.BOOLEAN, "false",
            "Leave out of the POP3 maildrop the messages already read over IMAP and never downloaded over POP3.");
    static final ConfigKey<OptionalInt> POP3_EXPIRE_DAYS = new ConfigKey<>("pop3.expire-days",
            ValueType.DAYS_OR_NEVER, "never",
            "Delete messages this many days after their first POP3 download (advertised as EXPIRE, RFC 2449).");
    static final ConfigKey<Duration> POP3_LOGIN_DELAY = new ConfigKey<>("pop3.login-delay", ValueType.DURATION,
            "0s", "Minimum time between two POP3 logins of one account (LOGIN-DELAY, RFC 2449; 0s: off).");
    static final ConfigKey<Boolean> POP3_APOP = new ConfigKey<>("pop3.apop", ValueType.BOOLEAN, "false",
            "Offer APOP (RFC 1939): a timestamp in the greeting, and APOP logins for accounts given an APOP secret "
                    + "with 'jotmai user apop-secret' (a recoverable secret, separate from the password).");

    static final ConfigKey<Long> IMAP_APPEND_LIMIT = new ConfigKey<>("imap.append-limit", ValueType.SIZE, "50M",
            "Largest message IMAP APPEND accepts (advertised as APPENDLIMIT, RFC 7889).");
    static final ConfigKey<Duration> IMAP_LOGIN_TIMEOUT = new ConfigKey<>("imap.login-timeout", ValueType.DURATION,
            "60s", "How long an IMAP client may stay silent before it has logged in.");
    static final ConfigKey<Duration> IMAP_AUTOLOGOUT = new ConfigKey<>("imap.autologout-timeout",
            ValueType.DURATION, "30m",
            "How long a logged-in IMAP client may stay silent (RFC 9051 §5.4: at least 30 minutes).");
    static final ConfigKey<Duration> IMAP_IDLE_TIMEOUT = new ConfigKey<>("imap.idle-timeout", ValueType.DURATION,
            "30m", "Longest IDLE before the server ends it (clients re-issue IDLE; at least 30 minutes).");

    static final ConfigKey<String> IMAP_SHARED_SEEN = new ConfigKey<>("imap.shared-seen", ValueType.STRING,
            "per-user", "\\Seen on mailboxes shared with other users (RFC 4314): `per-user` (each user who is not "
                    + "the owner keeps its own read state; the other flags are shared) or `shared` (one \\Seen "
                    + "for everyone, as the owner sees it).");

    static final ConfigKey<List<String>> IMAP_ADMINS = new ConfigKey<>("imap.admins", ValueType.LIST, "",
            "Addresses of accounts that administer quotas over IMAP: they may read any account's quota root "
                    + "(named by the account's address) and change it with SETQUOTA (RFC 9208 §4.1.3, STORAGE in "
                    + "KiB and MESSAGE; advertised to them as QUOTASET). Everyone else gets NO [NOPERM].");

    static final List<ConfigKey<?>> ALL = List.of(AUTH_ALLOW_PLAINTEXT, SMTP_MAX_MESSAGE_SIZE, SMTP_MAX_RECIPIENTS,
            SMTP_TRUSTED_NETWORKS, SMTP_RESTRICT_SENDERS, SMTP_MESSAGES_PER_HOUR, SMTP_GREETING_DELAY,
            SMTP_COMMAND_TIMEOUT, SMTP_DATA_TIMEOUT, SMTP_DKIM_VERIFY, SMTP_AUTHSERV_ID, IMAP_APPEND_LIMIT,
            IMAP_LOGIN_TIMEOUT, IMAP_AUTOLOGOUT, IMAP_IDLE_TIMEOUT, IMAP_SHARED_SEEN, IMAP_ADMINS, POP3_HIDE_SEEN_OVER_IMAP, POP3_EXPIRE_DAYS,
            POP3_LOGIN_DELAY, POP3_APOP);

    private ProtocolKeys() {
    }
}
