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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ThrottleStore;

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
 *
 * <p>Cluster (issue 8): with a shared {@link ThrottleStore} every failure is also counted there
 * ("ip:&lt;address key&gt;", "acct:&lt;login&gt;"), bans are written there, and each check reads the
 * address's and the account's shared record, so failures and bans on one node count on every node.
 * The local tables stay the fast path and carry what is not shared: the addresses a user
 * logged in from (trusted for the account ban) are known only to the node that saw the login. Store calls are made outside the lock; a failing store never blocks a login: counting
 * falls back to the local tables (fail open) and the outage is logged once, its end once.
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
    /** Shared counters of all nodes, or null for a purely local throttle. */
    private final ThrottleStore shared;
    private final AtomicBoolean sharedDown = new AtomicBoolean();
    private final AtomicReference<Instant> lastPurge = new AtomicReference<>(Instant.EPOCH);

    private static final Logger log = LoggerFactory.getLogger(Throttle.class);
    /** How often one node deletes idle shared records. */
    static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

    public Throttle(Policy policy, Clock clock) {
        this(policy, clock, null);
    }

    /** A throttle whose counters and bans are shared through {@code shared} (null: local only). */
    public Throttle(Policy policy, Clock clock, ThrottleStore shared) {
        this.shared = shared;
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
        // Read the shared records first, outside the lock (a database round trip).
        Optional<ThrottleStore.State> sharedIp = sharedState(ipKey(ip));
        Optional<ThrottleStore.State> sharedAcc = sharedState(accountKey(account));
        lock.lock();
        try {
            sharedIp.ifPresent(st -> merge(byAddress, ip, st, now));
            sharedAcc.ifPresent(st -> merge(byAccount, account, st, now));
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
        // One statement per key: the shared count includes the failures seen by every node.
        int sharedIpCount = sharedFailure(ipKey(ip), now);
        int sharedAccCount = sharedFailure(accountKey(account), now);
        Instant ipBan = null;
        Instant accBan = null;
        lock.lock();
        try {
            Counter byIp = count(byAddress, ip, now);
            byIp.failures = Math.max(byIp.failures, sharedIpCount);
            if (byIp.failures >= policy.ipBanAfter()) {
                Duration ban = doubled(policy.ipBanDuration(), byIp.bans, policy.maxBanDuration());
                byIp.bannedUntil = now.plus(ban);
                byIp.bans++;
                // After the ban, delays apply at once and the next ban comes sooner.
                byIp.failures = policy.ipBanAfter() / 2;
                ipBan = byIp.bannedUntil;
            }
            Counter byAcc = count(byAccount, account, now);
            byAcc.failures = Math.max(byAcc.failures, sharedAccCount);
            if (byAcc.failures >= policy.accountBanAfter()) {
                byAcc.bannedUntil = now.plus(policy.accountBanDuration());
                byAcc.failures = policy.accountBanAfter() / 2;
                accBan = byAcc.bannedUntil;
            }
        } finally {
            lock.unlock();
        }
        if (ipBan != null) {
            sharedBan(ipKey(ip), ipBan, policy.ipBanAfter() / 2);
        }
        if (accBan != null) {
            sharedBan(accountKey(account), accBan, policy.accountBanAfter() / 2);
        }
        purgeSharedNowAndThen(now);
    }

    /** A successful login: clears the account's failures and trusts this address for the account. */
    public void recordSuccess(InetAddress remote, String account) {
        Instant now = clock.instant();
        boolean hadFailures;
        lock.lock();
        try {
            // check() merged the shared record into byAccount just before, so an account with
            // failures on any node has a local counter here; a clean account costs no statement.
            hadFailures = byAccount.remove(account) != null;
            trusted.put(account + " " + addressKey(remote), now);
        } finally {
            lock.unlock();
        }
        if (hadFailures && shared != null) {
            try {
                shared.reset(accountKey(account));
                sharedUp();
            } catch (RuntimeException e) {
                sharedFailed(e);
            }
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

    static String ipKey(String addressKey) {
        return "ip:" + addressKey;
    }

    static String accountKey(String account) {
        // Logins are at most AuthService.MAX_USERNAME_LENGTH; the cut keeps any caller within the key limit.
        String login = account.length() > 320 ? account.substring(0, 320) : account;
        return "acct:" + login;
    }

    /** Takes the other nodes' view into the local counter: the higher count and the later ban win. */
    private void merge(Map<String, Counter> table, String key, ThrottleStore.State st, Instant now) {
        boolean banActive = st.bannedUntil().map(now::isBefore).orElse(false);
        boolean recent = !st.lastFailure().plus(policy.forgetAfter()).isBefore(now);
        if (!banActive && !recent && st.bans() == 0) {
            return;
        }
        Counter c = table.get(key);
        if (c == null) {
            c = new Counter();
            table.put(key, c);
        }
        if (recent) {
            c.failures = Math.max(c.failures, st.failures());
            if (c.lastFailure == null || c.lastFailure.isBefore(st.lastFailure())) {
                c.lastFailure = st.lastFailure();
            }
        }
        // Escalation is shared too: a guesser banned on one node gets the longer ban on the next.
        c.bans = Math.max(c.bans, st.bans());
        if (banActive && (c.bannedUntil == null || c.bannedUntil.isBefore(st.bannedUntil().get()))) {
            c.bannedUntil = st.bannedUntil().get();
        }
    }

    private Optional<ThrottleStore.State> sharedState(String key) {
        if (shared == null) {
            return Optional.empty();
        }
        try {
            Optional<ThrottleStore.State> st = shared.state(key);
            sharedUp();
            return st;
        } catch (RuntimeException e) {
            sharedFailed(e);
            return Optional.empty();
        }
    }

    /** The shared count after this failure, or 0 without a (working) shared store. */
    private int sharedFailure(String key, Instant now) {
        if (shared == null) {
            return 0;
        }
        try {
            int n = shared.recordFailure(key, now, policy.forgetAfter());
            sharedUp();
            return n;
        } catch (RuntimeException e) {
            sharedFailed(e);
            return 0;
        }
    }

    private void sharedBan(String key, Instant until, int failuresAfter) {
        if (shared == null) {
            return;
        }
        try {
            shared.ban(key, until, failuresAfter);
            sharedUp();
        } catch (RuntimeException e) {
            sharedFailed(e);
        }
    }

    /** At most once per {@link #PURGE_INTERVAL} per node, on the failing attempt's thread (one DELETE). */
    private void purgeSharedNowAndThen(Instant now) {
        Instant last = lastPurge.get();
        if (shared == null || now.isBefore(last.plus(PURGE_INTERVAL)) || !lastPurge.compareAndSet(last, now)) {
            return;
        }
        try {
            // Records idle past forgetAfter count as clean anyway; ended bans are history.
            shared.purge(now.minus(policy.forgetAfter()));
            sharedUp();
        } catch (RuntimeException e) {
            sharedFailed(e);
        }
    }

    private void sharedUp() {
        if (sharedDown.compareAndSet(true, false)) {
            log.info("throttle: shared throttle store reachable again");
        }
    }

    /** Fail open: the login goes on with local counting; logged once per outage. */
    private void sharedFailed(RuntimeException e) {
        if (sharedDown.compareAndSet(false, true)) {
            log.warn("throttle: shared throttle store failed, counting locally until it is back: {}", e.toString());
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
