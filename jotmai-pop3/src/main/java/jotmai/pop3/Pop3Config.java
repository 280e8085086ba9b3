package jotmai.pop3;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import jotmai.shared.net.ListenerConfig;

/**
 * Configuration of the POP3 server. Immutable; {@link #defaults()} gives the production values.
 *
 * @param pop3               the cleartext listeners with STLS (RFC 2595), normally port 110, one per bind
 *                           address ({@code pop3.bind} is a list); an empty list disables POP3 on port 110
 * @param pop3s              the implicit-TLS listeners (RFC 8314 §3.3), normally port 995, one per bind
 *                           address; an empty list disables them
 * @param allowPlaintextAuth allow USER/PASS and AUTH on a cleartext connection from a non-loopback
 *                           address (RFC 2595 §2.1 recommends refusing); loopback is always allowed
 * @param hideSeenOverImap   leave out of the maildrop the messages already read over IMAP (\Seen) that
 *                           were never downloaded over POP3
 * @param expireDays         RFC 2449 §6.7 EXPIRE: delete messages this many days after their first
 *                           download over POP3 (checked at login); empty means never (EXPIRE NEVER)
 * @param loginDelay         RFC 2449 §6.5 LOGIN-DELAY: minimum time between two logins of one account;
 *                           zero disables it
 * @param idleTimeout        RFC 1939 §3 autologout timer; at least ten minutes by the RFC
 * @param apop               offer APOP (RFC 1939 §7): the greeting carries a timestamp, and accounts with an
 *                           APOP secret ({@code jotmai user apop-secret}) may log in with it; off by default
 */
public record Pop3Config(
        List<ListenerConfig> pop3,
        List<ListenerConfig> pop3s,
        boolean allowPlaintextAuth,
        boolean hideSeenOverImap,
        OptionalInt expireDays,
        Duration loginDelay,
        Duration idleTimeout,
        boolean apop) {

    /** RFC 1939 §3: "Such a timer MUST be of at least 10 minutes' duration." */
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofMinutes(10);

    public Pop3Config {
        pop3 = List.copyOf(pop3);
        pop3s = List.copyOf(pop3s);
        pop3.forEach(l -> {
            if (l.implicitTls()) {
                throw new IllegalArgumentException("the pop3 listener must not use implicit TLS (that is pop3s)");
            }
        });
        pop3s.forEach(l -> {
            if (!l.implicitTls()) {
                throw new IllegalArgumentException("the pop3s listener must use implicit TLS");
            }
        });
        if (expireDays.isPresent() && expireDays.getAsInt() < 0) {
            throw new IllegalArgumentException("expireDays must be >= 0");
        }
        if (loginDelay.isNegative()) {
            throw new IllegalArgumentException("loginDelay must be >= 0");
        }
        if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
            throw new IllegalArgumentException("idleTimeout must be at least 10 minutes (RFC 1939 §3)");
        }
    }

    /** Ports 110 and 995 on every address; plaintext auth only on loopback; no EXPIRE, no LOGIN-DELAY. */
    public static Pop3Config defaults() {
        return new Pop3Config(
                List.of(listener("pop3", new InetSocketAddress(110), false)),
                List.of(listener("pop3s", new InetSocketAddress(995), true)),
                false, false, OptionalInt.empty(), Duration.ZERO, MIN_IDLE_TIMEOUT, false);
    }

    /** For tests: both listeners on 127.0.0.1 with free ports, everything else as {@link #defaults()}. */
    public static Pop3Config loopback() {
        return defaults().withListeners(
                List.of(ListenerConfig.loopback("pop3", false)),
                List.of(ListenerConfig.loopback("pop3s", true)));
    }

    public Pop3Config withListeners(List<ListenerConfig> pop3, List<ListenerConfig> pop3s) {
        return new Pop3Config(pop3, pop3s, allowPlaintextAuth, hideSeenOverImap, expireDays, loginDelay, idleTimeout, apop);
    }

    public Pop3Config withHideSeenOverImap(boolean hide) {
        return new Pop3Config(pop3, pop3s, allowPlaintextAuth, hide, expireDays, loginDelay, idleTimeout, apop);
    }

    public Pop3Config withExpireDays(OptionalInt days) {
        return new Pop3Config(pop3, pop3s, allowPlaintextAuth, hideSeenOverImap, days, loginDelay, idleTimeout, apop);
    }

    public Pop3Config withLoginDelay(Duration delay) {
        return new Pop3Config(pop3, pop3s, allowPlaintextAuth, hideSeenOverImap, expireDays, delay, idleTimeout, apop);
    }

    public Pop3Config withApop(boolean enabled) {
        return new Pop3Config(pop3, pop3s, allowPlaintextAuth, hideSeenOverImap, expireDays, loginDelay, idleTimeout, enabled);
    }

    private static ListenerConfig listener(String name, InetSocketAddress address, boolean implicitTls) {
        return new ListenerConfig(name, address, implicitTls, ListenerConfig.DEFAULT_MAX_CONNECTIONS,
                ListenerConfig.DEFAULT_MAX_PER_IP, 512, Duration.ofSeconds(30));
    }
}
