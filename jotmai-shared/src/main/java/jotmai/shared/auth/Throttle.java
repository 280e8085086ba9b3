package jotmai.shared.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Failure throttling shared by every protocol (one instance per server, inside {@link AuthService}).
 *
 * <p>Per remote address: after {@link Policy#freeFailures} failures each further attempt waits a delay
 * that doubles up to {@link Policy#maxDelay}; at {@link Policy#ipBanAfter} failures the address is
 * banned for {@link Policy#ipBanDuration}, doubling with each repeated ban. IPv6 addresses are counted
 * per /64, since one host usually owns a whole /64 and could otherwise rotate through it.
 *
 * <p>Per account: the same growing delay, and a ban after {@link Policy#accountBanAfter} failures
 * (a distributed guesser spread over many addresses) — but the account ban never applies to an
 * address the real user recently logged in from, so an attacker cannot lock a user out of their own
 * mail (issue 9: "per-IP first; the account limit only slows"). A success resets the account's count,
 * not the address's: otherwise one known password would reset a password-spraying address.
 *
 * <p>Memory is bounded: each table keeps at most {@link Policy#maxTrackedEntries} entries, evicting
 * the least recently touched; entries idle longer than {@link Policy#forgetAfter} count as clean.
 * Operations take a short non-blocking lock ({@link ReentrantLock}, per the style guide's
 * virtual-thread rule); the delay itself is slept by the caller, outside any lock.
 */
public final class Throttle {

    /**
     * @param freeFailures       failures allowed without any delay
     * @param baseDelay          delay after the first failure beyond the free ones; doubles per failure
     * @param maxDelay           the delay's ceiling
     * @param ipBanAfter         failures from one address (or IPv6 /64) that trigger a ban
     * @param ipBanDuration      first ban; each repeated ban doubles, up to {@code maxBanDuration}
     * @param accountBanAfter    failures for one account that ban it for unknown addresses
     * @param accountBanDuration the account ban's length (not escalating)
     * @param maxBanDuration     ceiling for escalating address bans
     * @param forgetAfter        a counter idle this long starts again from zero
     * @param trustedFor         how long a successful login makes its address exempt from the account ban
     * @param maxTrackedEntries  cap for each table (addresses, accounts, trusted pairs)
     * @param exemptNetworks     CIDR blocks ("127.0.0.0/8", "::1/128") of trusted front ends — a webmail
     *                           or proxy on which many users share one address. Attempts from there are
     *                           neither delayed nor banned nor counted (Dovecot's login_trusted_networks);
     *                           the front end must throttle its own users. Empty by default.
     */
    public record Policy(int freeFailures, Duration baseDelay, Duration maxDelay, int ipBanAfter,
                         Duration ipBanDuration, int accountBanAfter, Duration accountBanDuration,
                         Duration maxBanDuration, Duration forgetAfter, Duration trustedFor,
                         int maxTrackedEntries, List<String> exemptNetworks) {

        public Policy {
            exemptNetworks = List.copyOf(exemptNetworks);
            exemptNetworks.forEach(Cidr::parse); // fail at configuration time, not at the first login
        }

        public static final int DEFAULT_FREE_FAILURES = 3;
        public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(500);
        public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(8);
        public static final int DEFAULT_IP_BAN_AFTER = 20;
        public static final Duration DEFAULT_IP_BAN = Duration.ofMinutes(15);
        public static final int DEFAULT_ACCOUNT_BAN_AFTER = 50;
        public static final Duration DEFAULT_ACCOUNT_BAN = Duration.ofMinutes(15);
        public static final Duration DEFAULT_MAX_BAN = Duration.ofHours(24);
        public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(1);
        public static final Duration DEFAULT_TRUSTED_FOR = Duration.ofDays(30);
        /** About 100 bytes an entry: 100,000 entries per table stay around 10 MB at worst. */
        public static final int DEFAULT_MAX_TRACKED_ENTRIES = 100_000;

        public static Policy defaults() {
            return new Policy(DEFAULT_FREE_FAILURES, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY, DEFAULT_IP_BAN_AFTER,
                    DEFAULT_IP_BAN, DEFAULT_ACCOUNT_BAN_AFTER, DEFAULT_ACCOUNT_BAN, DEFAULT_MAX_BAN,
                    DEFAULT_FORGET_AFTER, DEFAULT_TRUSTED_FOR, DEFAULT_MAX_TRACKED_ENTRIES, List.of());
        }

        public Policy withExemptNetworks(List<String> cidrs) {
            return new Policy(freeFailures, baseDelay, maxDelay, ipBanAfter, ipBanDuration, accountBanAfter,
                    accountBanDuration, maxBanDuration, forgetAfter, trustedFor, maxTrackedEntries, cidrs);
        }
    }

    /** What to do with an attempt before checking its password. */
    public sealed interface Decision {
        /** Go ahead after sleeping {@code delay} (zero for a clean record). */
        record Proceed(Duration delay) implements Decision {}

        /** Refuse without checking the password. */
        record Banned(Duration retryAfter) implements Decision {}
    }

    private static final class Counter {
        int failures;
        Instant lastFailure;
        Instant bannedUntil;
        int bans;
    }

    private final Policy policy;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Counter> byAddress;
    private final Map<String, Counter> byAccount;
    private final Map<String, Instant> trusted;
    private final List<Cidr> exempt;

    public Throttle(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.byAddress = boundedMap(policy.maxTrackedEntries());
        this.byAccount = boundedMap(policy.maxTrackedEntries());
        this.trusted = boundedMap(policy.maxTrackedEntries());
        this.exempt = policy.exemptNetworks().stream().map(Cidr::parse).toList();
    }

    public Throttle() {
        this(Policy.defaults(), Clock.systemUTC());
    }

    public Policy policy() {
        return policy;
    }

    /** Decides about an attempt for {@code account} (normalised login) from {@code remote}. */
    public Decision check(InetAddress remote, String account) {
        if (isExempt(remote)) {
            return new Decision.Proceed(Duration.ZERO);
        }
        Instant now = clock.instant();
        String ip = addressKey(remote);
        lock.lock();
        try {
            Counter byIp = fresh(byAddress.get(ip), now);
            if (byIp != null && byIp.bannedUntil != null && now.isBefore(byIp.bannedUntil)) {
                return new Decision.Banned(Duration.between(now, byIp.bannedUntil));
            }
            Counter byAcc = fresh(byAccount.get(account), now);
            if (byAcc != null && byAcc.bannedUntil != null && now.isBefore(byAcc.bannedUntil)
                    && !isTrusted(account, ip, now)) {
                return new Decision.Banned(Duration.between(now, byAcc.bannedUntil));
            }
            int failures = Math.max(byIp == null ? 0 : byIp.failures, byAcc == null ? 0 : byAcc.failures);
            return new Decision.Proceed(delayAfter(failures));
        } finally {
            lock.unlock();
        }
    }

    /** Counts a failed attempt against the address and the account. */
    public void recordFailure(InetAddress remote, String account) {
        if (isExempt(remote)) {
            return;
        }
        Instant now = clock.instant();
        String ip = addressKey(remote);
        lock.lock();
        try {
            Counter byIp = count(byAddress, ip, now);
            if (byIp.failures >= policy.ipBanAfter()) {
                Duration ban = doubled(policy.ipBanDuration(), byIp.bans, policy.maxBanDuration());
                byIp.bannedUntil = now.plus(ban);
                byIp.bans++;
                // After the ban, delays apply at once and the next ban comes sooner.
                byIp.failures = policy.ipBanAfter() / 2;
            }
            Counter byAcc = count(byAccount, account, now);
            if (byAcc.failures >= policy.accountBanAfter()) {
                byAcc.bannedUntil = now.plus(policy.accountBanDuration());
                byAcc.failures = policy.accountBanAfter() / 2;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A successful login: clears the account's failures and trusts this address for the account. */
    public void recordSuccess(InetAddress remote, String account) {
        Instant now = clock.instant();
        lock.lock();
        try {
            byAccount.remove(account);
            trusted.put(account + " " + addressKey(remote), now);
        } finally {
            lock.unlock();
        }
    }

    /** Entries currently held in the address and account tables (for tests and metrics). */
    public int trackedEntries() {
        lock.lock();
        try {
            return byAddress.size() + byAccount.size();
        } finally {
            lock.unlock();
        }
    }

    Duration delayAfter(int failures) {
        int beyond = failures - policy.freeFailures();
        if (beyond <= 0) {
            return Duration.ZERO;
        }
        return doubled(policy.baseDelay(), beyond - 1, policy.maxDelay());
    }

    /** base x 2^doublings, at most cap. */
    private static Duration doubled(Duration base, int doublings, Duration cap) {
        Duration d = base.multipliedBy(1L << Math.min(doublings, 30));
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private Counter count(Map<String, Counter> table, String key, Instant now) {
        Counter c = fresh(table.get(key), now);
        if (c == null) {
            c = new Counter();
            table.put(key, c);
        }
        c.failures++;
        c.lastFailure = now;
        return c;
    }

    /** The counter, reset if idle past forgetAfter and not banned; null when there is none. */
    private Counter fresh(Counter c, Instant now) {
        if (c == null) {
            return null;
        }
        boolean banActive = c.bannedUntil != null && now.isBefore(c.bannedUntil);
        if (!banActive && c.lastFailure != null && c.lastFailure.plus(policy.forgetAfter()).isBefore(now)) {
            c.failures = 0;
            c.bannedUntil = null;
            // c.bans is kept: a returning guesser gets the longer ban. The entry ages out of the LRU.
        }
        return c;
    }

    private boolean isTrusted(String account, String ip, Instant now) {
        Instant since = trusted.get(account + " " + ip);
        return since != null && since.plus(policy.trustedFor()).isAfter(now);
    }

    private boolean isExempt(InetAddress remote) {
        for (Cidr c : exempt) {
            if (c.contains(remote)) {
                return true;
            }
        }
        return false;
    }

    /** One network block, e.g. 10.0.0.0/8 or 2001:db8::/32. */
    record Cidr(byte[] network, int prefix) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            if (!host.matches("[0-9A-Fa-f:.]+")) {
                // Only literal addresses: a host name here would mean a DNS lookup.
                throw new IllegalArgumentException("not an IP address block: " + text);
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address block: " + text, e);
            }
            int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            return new Cidr(address, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** IPv4: the address; IPv6: its /64 prefix. */
    static String addressKey(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address && raw.length == 16) {
            return HexFormat.of().formatHex(raw, 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    private static <V> Map<String, V> boundedMap(int cap) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > cap;
            }
        };
    }
}
