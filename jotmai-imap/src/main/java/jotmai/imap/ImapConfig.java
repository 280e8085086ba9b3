package jotmai.imap;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import jotmai.shared.net.ListenerConfig;

/**
 * Configuration of the IMAP server.
 *
 * @param imap               the plain listener with STARTTLS (port 143); null disables it
 * @param imaps              the implicit-TLS listener (port 993); null disables it
 * @param allowPlaintextAuth allow LOGIN/AUTHENTICATE without TLS from non-loopback clients (otherwise
 *                           LOGINDISABLED is advertised, RFC 9051 §6.2.3)
 * @param appendLimit        largest message APPEND accepts in octets (RFC 7889 APPENDLIMIT)
 * @param loginTimeout       how long a client may stay silent before authenticating
 * @param autologoutTimeout  how long an authenticated client may stay silent (RFC 9051 §5.4: at least 30 min)
 * @param idleTimeout        longest IDLE before the server ends it with BYE (at least 30 min)
 * @param spoolDir           where literals above the memory threshold are streamed; null = system temp dir
 * @param serverName         name in the greeting and ID response
 * @param perUserSeen        \Seen is kept per user on other users' mailboxes (issue 7; RFC 4314 §4 lets
 *                           the server keep the "s" state per user); false: one \Seen shared by all
 * @param admins             addresses (lower case) of the accounts that may read and set every account's
 *                           quota over IMAP (RFC 9208 §4.1.3 SETQUOTA, advertised as QUOTASET to them)
 */
public record ImapConfig(
        ListenerConfig imap,
        ListenerConfig imaps,
        boolean allowPlaintextAuth,
        long appendLimit,
        Duration loginTimeout,
        Duration autologoutTimeout,
        Duration idleTimeout,
        Path spoolDir,
        String serverName,
        boolean perUserSeen,
        Set<String> admins) {

    public ImapConfig {
        admins = admins.stream().map(a -> a.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** Without IMAP administrators. */
    public ImapConfig(ListenerConfig imap, ListenerConfig imaps, boolean allowPlaintextAuth, long appendLimit,
                      Duration loginTimeout, Duration autologoutTimeout, Duration idleTimeout, Path spoolDir,
                      String serverName, boolean perUserSeen) {
        this(imap, imaps, allowPlaintextAuth, appendLimit, loginTimeout, autologoutTimeout, idleTimeout, spoolDir,
                serverName, perUserSeen, Set.of());
    }

    public static final long DEFAULT_APPEND_LIMIT = 50L * 1024 * 1024;

    /** Port 143 and 993 on all addresses, plaintext authentication refused except on loopback. */
    public static ImapConfig defaults() {
        return new ImapConfig(
                listener("imap", new InetSocketAddress(143), false),
                listener("imaps", new InetSocketAddress(993), true),
                false,
                DEFAULT_APPEND_LIMIT,
                Duration.ofSeconds(60),
                Duration.ofMinutes(30),
                Duration.ofMinutes(30),
                null,
                "Jotmai",
                true);
    }

    /** For tests: plain and TLS listeners on 127.0.0.1 with ephemeral ports. */
    public static ImapConfig loopback() {
        return defaults().withListeners(ListenerConfig.loopback("imap", false), ListenerConfig.loopback("imaps", true));
    }

    public ImapConfig withListeners(ListenerConfig imap, ListenerConfig imaps) {
        return new ImapConfig(imap, imaps, allowPlaintextAuth, appendLimit, loginTimeout, autologoutTimeout,
                idleTimeout, spoolDir, serverName, perUserSeen, admins);
    }

    public ImapConfig withAllowPlaintextAuth(boolean allow) {
        return new ImapConfig(imap, imaps, allow, appendLimit, loginTimeout, autologoutTimeout, idleTimeout,
                spoolDir, serverName, perUserSeen, admins);
    }

    public ImapConfig withTimeouts(Duration login, Duration autologout, Duration idle) {
        return new ImapConfig(imap, imaps, allowPlaintextAuth, appendLimit, login, autologout, idle, spoolDir,
                serverName, perUserSeen, admins);
    }

    public ImapConfig withAppendLimit(long limit) {
        return new ImapConfig(imap, imaps, allowPlaintextAuth, limit, loginTimeout, autologoutTimeout, idleTimeout,
                spoolDir, serverName, perUserSeen, admins);
    }

    public ImapConfig withPerUserSeen(boolean perUser) {
        return new ImapConfig(imap, imaps, allowPlaintextAuth, appendLimit, loginTimeout, autologoutTimeout,
                idleTimeout, spoolDir, serverName, perUser, admins);
    }

    public ImapConfig withAdmins(Set<String> addresses) {
        return new ImapConfig(imap, imaps, allowPlaintextAuth, appendLimit, loginTimeout, autologoutTimeout,
                idleTimeout, spoolDir, serverName, perUserSeen, addresses);
    }

    /** Whether the account with this address is an IMAP administrator. */
    public boolean isAdmin(String address) {
        return admins.contains(address.toLowerCase(Locale.ROOT));
    }

    private static ListenerConfig listener(String name, InetSocketAddress address, boolean tls) {
        return new ListenerConfig(name, address, tls, ListenerConfig.DEFAULT_MAX_CONNECTIONS,
                ListenerConfig.DEFAULT_MAX_PER_IP, 512, Duration.ofSeconds(30));
    }
}
