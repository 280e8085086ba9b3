package jotmai.imap;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.function.IntFunction;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Passwords;
import jotmai.shared.tls.TlsContextProvider;
import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.UidSet;
import jotmai.store.sqlite.SqliteStore;
import jotmai.store.support.FlagRowsCache;

/**
 * A real SQLite store in a temporary directory, accounts with real password hashes, the real
 * AuthService and a self-signed certificate, and an ImapServer on loopback (imap with STARTTLS, imaps).
 */
final class ImapFixture implements AutoCloseable {
    static final String DOMAIN = "example.test";
    static final String PASSWORD = "secret";
    private static String passwordHash;

    final Path dataDir;
    final Store store;
    final TlsContextProvider tls;
    ImapServer server;

    ImapFixture(Path dataDir) {
        this.dataDir = dataDir;
        // SearchIndexTest searches right after delivering: index at once (production waits, see SearchIndexer)
        this.store = SqliteStore.open(dataDir, SqliteStore.Options.DEFAULTS.withIndexDelay(java.time.Duration.ZERO));
        this.tls = sharedTls();
        store.accounts().addDomain(DOMAIN);
    }

    private static TlsContextProvider sharedTls;

    /** One self-signed certificate per test JVM (generating one per test is slow on a busy machine). */
    static synchronized TlsContextProvider sharedTls() {
        if (sharedTls == null) {
            try {
                Path certDir = java.nio.file.Files.createTempDirectory("jotmai-imap-tls");
                certDir.toFile().deleteOnExit();
                sharedTls = TlsContextProvider.selfSigned(certDir, "localhost");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return sharedTls;
    }

    static synchronized String hash() {
        if (passwordHash == null) {
            passwordHash = Passwords.hash(PASSWORD);
        }
        return passwordHash;
    }

    Account account(String localPart) {
        return store.accounts().createAccount(localPart + "@" + DOMAIN, hash(), 0);
    }

    Mailbox inbox(Account a) {
        return store.mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow();
    }

    AppendResult deliver(Account a, String message) {
        return store.mail().append(inbox(a).id(), MessageSource.ofBytes(message.getBytes(StandardCharsets.UTF_8)),
                Set.of(), Instant.parse("2026-11-20T10:00:00Z"));
    }

    /** Delivers {@link #message}s 1 to {@code count} to the account's INBOX, in that order (UIDs 1 to count). */
    void deliverNumbered(Account a, int count) {
        for (int i = 1; i <= count; i++) {
            deliver(a, message(i));
        }
    }

    /**
     * Makes the mailbox big enough for a backend to cache its flag rows ({@link FlagRowsCache#MIN_ROWS},
     * issue 4) quickly: 40 messages, message {@code i} with {@code flags.apply(i)}, then the mailbox is
     * copied onto itself until it holds at least that many (UIDs dense from 1).
     */
    void fillPastFlagRowsCacheMinimum(long mailboxId, IntFunction<Set<String>> flags) {
        for (int i = 1; i <= 40; i++) {
            store.mail().append(mailboxId, MessageSource.ofBytes(message(i).getBytes(StandardCharsets.UTF_8)),
                    flags.apply(i), Instant.parse("2026-11-20T10:00:00Z"));
        }
        while (store.mail().messages(mailboxId).size() < FlagRowsCache.MIN_ROWS) {
            long last = store.mail().mailbox(mailboxId).orElseThrow().uidNext() - 1;
            store.mail().copy(mailboxId, UidSet.range(1, last), mailboxId); // doubles the mailbox
        }
    }

    static String message(int i) {
        return "From: Sender <sender@example.org>\r\nTo: alice@example.test\r\nSubject: message " + i
                + "\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m" + i + "@example.org>\r\n\r\nHello "
                + i + "\r\nbye\r\n";
    }

    ImapServer start() throws Exception {
        return start(ImapConfig.loopback());
    }

    ImapServer start(ImapConfig config) throws Exception {
        server = new ImapServer(config, store, new AuthService(store.accounts()), tls);
        server.start();
        return server;
    }

    int port() {
        return server.listeners().get(0).port();
    }

    int tlsPort() {
        return server.listeners().get(1).port();
    }

    /** A real client (Angus Mail) logged in as {@code address} over plain IMAP, generous timeouts. */
    org.eclipse.angus.mail.imap.IMAPStore angus(String address) throws jakarta.mail.MessagingException {
        java.util.Properties props = new java.util.Properties();
        props.put("mail.imap.host", "127.0.0.1");
        props.put("mail.imap.port", String.valueOf(port()));
        props.put("mail.imap.connectiontimeout", "30000");
        props.put("mail.imap.timeout", "60000");
        var store = (org.eclipse.angus.mail.imap.IMAPStore) jakarta.mail.Session.getInstance(props).getStore("imap");
        store.connect(address, PASSWORD);
        return store;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close(1000);
        }
        store.close();
    }
}
