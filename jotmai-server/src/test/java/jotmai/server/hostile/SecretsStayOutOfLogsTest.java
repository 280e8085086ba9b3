package jotmai.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import jotmai.cli.Main;
import jotmai.cli.Terminal;
import jotmai.server.JotmaiServer;
import jotmai.server.Stores;
import jotmai.server.config.ConfigLoader;
import jotmai.server.config.JotmaiConfig;
import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Passwords;
import jotmai.shared.auth.Throttle;
import jotmai.shared.net.Listener;
import jotmai.store.Store;

/**
 * Issue 9, secrets: a full set of logins — SMTP AUTH PLAIN and LOGIN, IMAP LOGIN and AUTHENTICATE PLAIN,
 * POP3 USER/PASS and AUTH PLAIN, each with a wrong password, an unknown user and the right password,
 * plus {@code jotmai user add} and {@code user passwd} — with every logger at TRACE, captured in memory.
 * No captured line (message, arguments, MDC, stack trace) may contain a password, the base64 blob a
 * client sent for it, or a stored password hash. Also: an unknown user and a wrong password get the
 * same answer in every protocol, and cost about the same time.
 */
@Timeout(240)
class SecretsStayOutOfLogsTest {
    static final String ALICE_PASSWORD = "Alice-Corr3ct-Horse";
    static final String WRONG_PASSWORD = "Wr0ng-Guess-Battery";
    static final String CAROL_PASSWORD = "Carol-Cli-Staple-9";
    static final String CAROL_NEW_PASSWORD = "Carol-Passwd-Chang3d";

    @TempDir
    Path data;

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Map<Logger, Level> savedLevels = new HashMap<>();
    private Store store;
    private JotmaiServer server;
    /** Each login attempt comes from its own loopback address, so per-address throttling adds no delay. */
    private final AtomicInteger nextAddress = new AtomicInteger(10);

    @BeforeEach
    void captureEveryLoggerAtTrace() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (Logger logger : context.getLoggerList()) {
            savedLevels.put(logger, logger.getLevel());
            if (logger.getLevel() != null) {
                logger.setLevel(Level.TRACE);
            }
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.TRACE);
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void restore() {
        if (server != null) {
            server.close(1_000);
        }
        if (store != null) {
            store.close();
        }
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(captured);
        captured.stop();
        savedLevels.forEach(Logger::setLevel);
    }

    private JotmaiConfig startServer() {
        List<String> sets = new ArrayList<>(List.of("smtp.greeting-delay=0s", "lmtp.enabled=false"));
        for (String l : List.of("smtp", "submission", "submissions", "imap", "imaps", "pop3", "pop3s")) {
            sets.add(l + ".port=0");
            sets.add(l + ".bind=127.0.0.1");
        }
        JotmaiConfig config = ConfigLoader.load(Optional.empty(), sets);
        store = Stores.open(config, data);
        store.accounts().addDomain("example.com");
        store.accounts().createAccount("alice@example.com", Passwords.hash(ALICE_PASSWORD), 0);
        server = JotmaiServer.start(config, data, store);
        return config;
    }

    private int port(String listener) {
        return server.listener(listener).map(Listener::port).orElseThrow();
    }

    private RawClient client(String listener) throws IOException {
        return RawClient.connect("127.0.0." + nextAddress.getAndIncrement(), port(listener), 0, Duration.ofSeconds(60));
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String plain(String user, String password) {
        return b64("\0" + user + "\0" + password);
    }

    private int cli(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--data");
        all.add(data.toString());
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), Optional.empty());
        return Main.run(all.toArray(String[]::new), terminal, new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter()));
    }

    // ---- one login per protocol and mechanism; each returns the server's final answer line ----

    private String smtpPlain(String user, String password) throws IOException {
        try (RawClient c = client("submission")) {
            c.readUntil("220 ");
            c.command("EHLO client.example", "250 ");
            return c.command("AUTH PLAIN " + plain(user, password), "");
        }
    }

    private String smtpLogin(String user, String password) throws IOException {
        try (RawClient c = client("submission")) {
            c.readUntil("220 ");
            c.command("EHLO client.example", "250 ");
            c.command("AUTH LOGIN", "334 ");
            c.command(b64(user), "334 ");
            return c.command(b64(password), "");
        }
    }

    private String imapLogin(String user, String password) throws IOException {
        try (RawClient c = client("imap")) {
            c.readUntil("* OK");
            return c.command("a1 LOGIN " + user + " \"" + password + "\"", "a1 ").substring(3);
        }
    }

    private String imapAuthenticate(String user, String password) throws IOException {
        try (RawClient c = client("imap")) {
            c.readUntil("* OK");
            c.command("a1 AUTHENTICATE PLAIN", "+");
            return c.command(plain(user, password), "a1 ").substring(3);
        }
    }

    private String pop3UserPass(String user, String password) throws IOException {
        try (RawClient c = client("pop3")) {
            c.readUntil("+OK");
            c.command("USER " + user, "");
            return c.command("PASS " + password, "");
        }
    }

    private String pop3Auth(String user, String password) throws IOException {
        try (RawClient c = client("pop3")) {
            c.readUntil("+OK");
            return c.command("AUTH PLAIN " + plain(user, password), "");
        }
    }

    private interface Login {
        String attempt(String user, String password) throws IOException;
    }

    @Test
    void noPasswordAuthBlobOrHashAppearsInAnyLogLineAtTraceLevel() throws Exception {
        startServer();
        Map<String, Login> logins = Map.of("SMTP AUTH PLAIN", this::smtpPlain, "SMTP AUTH LOGIN", this::smtpLogin,
                "IMAP LOGIN", this::imapLogin, "IMAP AUTHENTICATE PLAIN", this::imapAuthenticate,
                "POP3 USER/PASS", this::pop3UserPass, "POP3 AUTH PLAIN", this::pop3Auth);
        for (var login : logins.entrySet()) {
            String wrong = login.getValue().attempt("alice@example.com", WRONG_PASSWORD);
            String unknown = login.getValue().attempt("nobody@example.com", WRONG_PASSWORD);
            String right = login.getValue().attempt("alice@example.com", ALICE_PASSWORD);
            assertThat(unknown).as(login.getKey() + ": unknown user answered like a wrong password").isEqualTo(wrong);
            assertThat(wrong).as(login.getKey() + ": wrong password refused").doesNotStartWith("+OK")
                    .doesNotStartWith("OK").doesNotStartWith("235");
            assertThat(right).as(login.getKey() + ": right password accepted").matches("(\\+OK|OK|235).*");
        }
        String aliceHash = store.accounts().account("alice@example.com").orElseThrow().passwordHash();
        server.close(1_000);
        server = null;
        store.close();
        store = null;

        assertThat(cli(CAROL_PASSWORD + "\n", "user", "add", "carol@example.com", "--password-stdin")).isZero();
        String carolHash;
        try (Store s = Stores.open(ConfigLoader.load(Optional.empty(), List.of()), data)) {
            carolHash = s.accounts().account("carol@example.com").orElseThrow().passwordHash();
        }
        assertThat(cli(CAROL_NEW_PASSWORD + "\n", "user", "passwd", "carol@example.com", "--password-stdin")).isZero();
        String carolNewHash;
        try (Store s = Stores.open(ConfigLoader.load(Optional.empty(), List.of()), data)) {
            carolNewHash = s.accounts().account("carol@example.com").orElseThrow().passwordHash();
        }

        List<String> secrets = new ArrayList<>();
        for (String password : List.of(ALICE_PASSWORD, WRONG_PASSWORD, CAROL_PASSWORD, CAROL_NEW_PASSWORD)) {
            secrets.add(password);
            secrets.add(b64(password));
            secrets.add(plain("alice@example.com", password));
            secrets.add(plain("nobody@example.com", password));
        }
        for (String hash : List.of(aliceHash, carolHash, carolNewHash)) {
            secrets.add(hash);
            secrets.add(hash.substring(hash.lastIndexOf('$') + 1)); // the hash value alone
        }
        List<String> lines = captured.list.stream().map(SecretsStayOutOfLogsTest::everythingIn).toList();
        System.out.println("[secrets] " + lines.size() + " log events captured at TRACE, searched for "
                + secrets.size() + " secrets");
        assertThat(lines).as("log events captured").hasSizeGreaterThan(20);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("auth").contains("alice@example.com"));
        for (String secret : secrets) {
            assertThat(lines).as("log lines containing a secret").noneMatch(l -> l.contains(secret));
        }
    }

    /** Message (formatted and raw), arguments, MDC and stack trace of one event. */
    private static String everythingIn(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage())
                .append(' ').append(e.getMessage());
        if (e.getArgumentArray() != null) {
            for (Object arg : e.getArgumentArray()) {
                b.append(' ').append(arg);
            }
        }
        b.append(' ').append(e.getMDCPropertyMap());
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            b.append(' ').append(ThrowableProxyUtil.asString(t));
        }
        return b.toString();
    }

    @Test
    void anUnknownUserCostsAboutAsMuchTimeAsAWrongPassword() throws Exception {
        startServer();
        // no throttling delay, so only the password check is timed
        Throttle.Policy noDelay = new Throttle.Policy(1_000, Duration.ZERO, Duration.ZERO, 1_000, Duration.ofSeconds(1),
                1_000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(1),
                1_000, List.of());
        AuthService auth = new AuthService(store, noDelay);
        InetAddress remote = InetAddress.getByName("192.0.2.1");
        auth.authenticate("alice@example.com", WRONG_PASSWORD, remote, "test"); // warm-up
        long[] wrong = new long[7];
        long[] unknown = new long[7];
        for (int i = 0; i < wrong.length; i++) {
            long t0 = System.nanoTime();
            auth.authenticate("alice@example.com", WRONG_PASSWORD, remote, "test");
            long t1 = System.nanoTime();
            auth.authenticate("nobody" + i + "@example.com", WRONG_PASSWORD, remote, "test");
            long t2 = System.nanoTime();
            wrong[i] = t1 - t0;
            unknown[i] = t2 - t1;
        }
        java.util.Arrays.sort(wrong);
        java.util.Arrays.sort(unknown);
        double ratio = (double) unknown[3] / wrong[3];
        System.out.printf("[secrets] median wrong password %.1f ms, unknown user %.1f ms, ratio %.2f%n",
                wrong[3] / 1e6, unknown[3] / 1e6, ratio);
        // generous: both run one Argon2id verification; a missing dummy check would make it ~0.01
        assertThat(ratio).isBetween(0.33, 3.0);
    }
}
