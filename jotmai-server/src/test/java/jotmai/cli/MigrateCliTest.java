package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.UidSet;
import jotmai.store.FlagOperation;
import jotmai.store.postgres.PostgresConfig;
import jotmai.store.postgres.PostgresStore;
import jotmai.store.sqlite.SqliteStore;

/**
 * {@code jotmai migrate} from a real SQLite store in a temporary directory into a fresh schema of the
 * test PostgreSQL of bin/pg-test.sh (JOTMAI_TEST_PG_URL, _USER, _PASSWORD). Skipped without it,
 * except when CI=true.
 */
class MigrateCliTest {

    @TempDir
    Path dir;

    private String url;
    private String user;
    private String password;
    private Path passwordFile;
    private final String schema = "mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @BeforeEach
    void database() throws IOException {
        url = System.getenv("JOTMAI_TEST_PG_URL");
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(url != null && !url.isBlank(),
                    "JOTMAI_TEST_PG_URL is not set; run: bin/pg-test.sh start && export $(bin/pg-test.sh env)");
        }
        user = System.getenv().getOrDefault("JOTMAI_TEST_PG_USER", "mail");
        password = System.getenv().getOrDefault("JOTMAI_TEST_PG_PASSWORD", "mailpw");
        passwordFile = dir.resolve("pg-password");
        Files.writeString(passwordFile, password + "\n");
    }

    private Path data() {
        return dir.resolve("data");
    }

    /** Two accounts, aliases, nested mailboxes, flags, a deleted default mailbox and expunged gaps. */
    private void fillSource() {
        try (Store s = SqliteStore.open(data())) {
            s.accounts().addDomain("example.org");
            Account alice = s.accounts().createAccount("alice@example.org", "{PLAIN}a", 1_000_000);
            Account bob = s.accounts().createAccount("bob@example.org", "{PLAIN}b", 0);
            s.accounts().addAlias("info@example.org", "alice@example.org");
            s.accounts().addAlias("@example.org", "bob@example.org");
            Mailbox inbox = s.mail().mailbox(alice.id(), "INBOX").orElseThrow();
            for (int i = 1; i <= 6; i++) {
                s.mail().append(inbox.id(), message("alice " + i), i % 2 == 0 ? Set.of(Flags.SEEN, "$Work") : Set.of(),
                        Instant.parse("2025-01-0" + i + "T10:00:00Z"));
            }
            s.mail().updateFlags(inbox.id(), UidSet.of(List.of(2L, 5L)), FlagOperation.ADD, Set.of(Flags.DELETED),
                    java.util.OptionalLong.empty());
            s.mail().expunge(inbox.id(), Optional.empty());
            Mailbox projects = s.mail().createMailbox(alice.id(), "Projects", Optional.empty());
            Mailbox sub = s.mail().createMailbox(alice.id(), "Projects/2026", Optional.empty());
            s.mail().setSubscribed(alice.id(), "Projects/2026", true);
            s.mail().append(projects.id(), message("same bytes"), Set.of(Flags.FLAGGED), Instant.parse("2025-02-01T00:00:00Z"));
            s.mail().append(sub.id(), message("same bytes"), Set.of(), Instant.parse("2025-02-02T00:00:00Z"));
            s.mail().setSubscribed(alice.id(), "Trash", false);
            s.mail().deleteMailbox(bob.id(), "Junk");
            Mailbox bobInbox = s.mail().mailbox(bob.id(), "INBOX").orElseThrow();
            s.mail().append(bobInbox.id(), message("bob 1"), Set.of(Flags.ANSWERED), Instant.parse("2025-03-01T00:00:00Z"));
            // RFC 4314 grants, also to an account a partial run has not migrated yet (issue 7)
            s.acl().setRights(projects.id(), "bob@example.org", jotmai.store.Rights.of("lrs"));
            s.acl().setRights(inbox.id(), "anyone", jotmai.store.Rights.of("l"));
            // per-user \Seen of a reader (issue 7)
            s.mail().setSeen(projects.id(), bob.id(), UidSet.of(1), true, java.util.OptionalLong.empty());
            // RFC 5464 entries on the server and on a mailbox (issue 7)
            jotmai.store.MetadataStore.Limits limits = new jotmai.store.MetadataStore.Limits(100, 100_000);
            s.metadata().set(alice.id(), jotmai.store.MetadataStore.SERVER,
                    Map.of("/private/vendor/x/signature", "Alice".getBytes(StandardCharsets.UTF_8)), limits);
            s.metadata().set(alice.id(), projects.id(), Map.of("/private/color", "blue".getBytes(StandardCharsets.UTF_8),
                    "/shared/comment", "team".getBytes(StandardCharsets.UTF_8)), limits);
        }
    }

    private static MessageSource message(String text) {
        return MessageSource.ofBytes(("From: x@example.net\r\nSubject: " + text + "\r\n\r\n" + text + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private record Result(int status, String out, String err) {}

    private Result run(String... extra) {
        List<String> args = new ArrayList<>(List.of("migrate", "--data", data().toString(), "--to", url, "--user", user,
                "--schema", schema));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args.toArray(String[]::new), new Terminal(new ByteArrayInputStream(new byte[0]), Optional.empty()),
                new PrintWriter(out), new PrintWriter(err));
        assertThat(out.toString() + err).doesNotContain(password);
        return new Result(status, out.toString(), err.toString());
    }

    private String migrate(String... extra) {
        List<String> args = new ArrayList<>(List.of("--password-file", passwordFile.toString()));
        args.addAll(List.of(extra));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.status()).as(r.out() + "\n" + r.err()).isZero();
        return r.out();
    }

    private static List<String> metadata(Store s, long account, long mailbox) {
        return s.metadata().entries(account, mailbox).stream()
                .map(e -> e.name() + "=" + new String(e.value(), StandardCharsets.UTF_8)).toList();
    }

    /** Per-user \Seen (issue 7): other accounts' seen UIDs on the mailbox, by address. */
    private static Map<String, List<Long>> seenByOthers(Store s, Account owner, Mailbox m) {
        Map<String, List<Long>> out = new TreeMap<>();
        for (Account r : s.accounts().accounts()) {
            List<Long> seen = r.id() == owner.id() ? List.of() : s.mail().seenMarks(m.id(), r.id(), UidSet.ALL)
                    .stream().filter(jotmai.store.SeenMark::seen).map(jotmai.store.SeenMark::uid).toList();
            if (!seen.isEmpty()) {
                out.put(r.address(), seen);
            }
        }
        return out;
    }

    /** Everything a client caches, per "account mailbox": uidvalidity, uids with flags, dates and bytes. */
    private static Map<String, String> snapshot(Store s) throws IOException {
        Map<String, String> all = new TreeMap<>();
        for (Account a : s.accounts().accounts()) {
            all.put(a.address(), a.passwordHash() + " " + a.quotaBytes() + " subs=" + new java.util.TreeSet<>(s.mail().subscriptions(a.id()))
                    + " server-metadata=" + metadata(s, a.id(), jotmai.store.MetadataStore.SERVER));
            for (Mailbox m : s.mail().mailboxes(a.id())) {
                StringBuilder b = new StringBuilder("uidvalidity=" + m.uidValidity() + " use=" + m.specialUse()
                        + " acl=" + s.acl().acl(m.id()) + " metadata=" + metadata(s, a.id(), m.id())
                        + " seen-by-others=" + seenByOthers(s, a, m));
                for (MessageMeta msg : s.mail().messages(m.id())) {
                    try (InputStream in = s.mail().openContent(msg.blob())) {
                        b.append("\n").append(msg.uid()).append(' ').append(new java.util.TreeSet<>(msg.flags()))
                                .append(' ').append(msg.internalDate()).append(' ')
                                .append(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                    }
                }
                all.put(a.address() + " " + m.name(), b.toString());
            }
        }
        all.put("aliases", s.accounts().aliases().stream().map(Object::toString).sorted().toList().toString());
        all.put("domains", s.accounts().domains().toString());
        return all;
    }

    private PostgresStore openTarget() {
        return PostgresStore.open(PostgresConfig.of(url, user, password).withSchema(schema).withPoolSize(2));
    }

    @Test
    void migrationKeepsUidsFlagsBytesAndUidValidityAndIsResumable() throws IOException {
        fillSource();

        String first = migrate("--account", "alice@example.org");
        assertThat(first).contains("alice@example.org\tINBOX\t4/4").contains("verified: source and target match")
                .doesNotContain("bob@example.org\tINBOX");
        String second = migrate();
        assertThat(second).contains("1 accounts").contains("bob@example.org\tINBOX\t1/1")
                .contains("verified: source and target match");
        String third = migrate();
        assertThat(third).contains("copied: 0 domains, 0 accounts, 0 aliases, 0 messages")
                .contains("verified: source and target match");

        Map<String, String> expected;
        Map<Long, Long> uidNext = new TreeMap<>();
        Map<String, Long> highestModSeq = new TreeMap<>();
        try (Store s = SqliteStore.open(data())) {
            expected = snapshot(s);
            Account alice = s.accounts().account("alice@example.org").orElseThrow();
            uidNext.put(0L, s.mail().mailbox(alice.id(), "INBOX").orElseThrow().uidNext());
            for (Mailbox m : s.mail().mailboxes(alice.id())) {
                highestModSeq.put(m.name(), m.highestModSeq());
            }
        }
        try (PostgresStore t = openTarget()) {
            assertThat(snapshot(t)).isEqualTo(expected);
            Account alice = t.accounts().account("alice@example.org").orElseThrow();
            Mailbox inbox = t.mail().mailbox(alice.id(), "INBOX").orElseThrow();
            for (Mailbox m : t.mail().mailboxes(alice.id())) {
                // RFC 7162 §3.1: a client's cached HIGHESTMODSEQ must not be above the server's.
                assertThat(m.highestModSeq()).as(m.name()).isGreaterThanOrEqualTo(highestModSeq.get(m.name()));
            }
            assertThat(inbox.uidNext()).isEqualTo(uidNext.get(0L));
            assertThat(t.mail().messages(inbox.id()).stream().map(MessageMeta::uid).toList()).containsExactly(1L, 3L, 4L, 6L);
            // A new message continues after the source's UIDs, like on the old server.
            assertThat(t.mail().append(inbox.id(), message("after"), Set.of(), Instant.now()).uid()).isEqualTo(uidNext.get(0L));
            assertThat(t.mail().quota(alice.id()).usedBytes()).isPositive();
        }
    }

    @Test
    void onlyMessagesNoSessionHasSeenStayRecentAfterMigration() {
        fillSource();
        long seenUpTo;
        try (Store s = SqliteStore.open(data())) {
            Account alice = s.accounts().account("alice@example.org").orElseThrow();
            Mailbox inbox = s.mail().mailbox(alice.id(), "INBOX").orElseThrow();
            // A client SELECTed INBOX on the old server (claims \Recent), then one more message arrived.
            s.mail().claimRecent(inbox.id());
            seenUpTo = inbox.uidNext() - 1;
            s.mail().append(inbox.id(), message("arrived later"), Set.of(), Instant.parse("2025-04-01T00:00:00Z"));
        }

        migrate();

        try (PostgresStore t = openTarget()) {
            Account alice = t.accounts().account("alice@example.org").orElseThrow();
            Mailbox inbox = t.mail().mailbox(alice.id(), "INBOX").orElseThrow();
            Mailbox projects = t.mail().mailbox(alice.id(), "Projects").orElseThrow();
            assertThat(t.mail().recent(inbox.id()).stream().boxed().toList()).containsExactly(seenUpTo + 1);
            assertThat(t.mail().recent(projects.id()).stream().boxed().toList()).hasSize(1);
        }
    }

    @Test
    void aTargetMailboxWithOtherMessagesIsNotOverwritten() throws InterruptedException {
        fillSource();
        // UIDVALIDITY is the creation time in seconds on both backends: wait for the next second so the
        // target's INBOX surely differs from the source's (in the same second they matched now and then).
        Thread.sleep(1_100);
        try (PostgresStore t = openTarget()) {
            t.accounts().addDomain("example.org");
            Account alice = t.accounts().createAccount("alice@example.org", "{PLAIN}x", 0);
            Mailbox inbox = t.mail().mailbox(alice.id(), "INBOX").orElseThrow();
            t.mail().append(inbox.id(), message("already here"), Set.of(), Instant.now());
        }

        Result r = run("--password-file", passwordFile.toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("jotmai: ").contains("UIDVALIDITY").doesNotContain("\tat ");
    }

    @Test
    void aMissingPasswordFileIsOneLineError() {
        fillSource();

        Result r = run("--password-file", dir.resolve("nope").toString());

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("jotmai: cannot read password file");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() {
        Result r = run("--password", "secret", "--password-file", passwordFile.toString());

        assertThat(r.status()).isEqualTo(2);
    }

    @Test
    void aRunInterruptedInsideAMailboxResumesWithoutCopyingTwice() throws IOException {
        fillSource();
        // What a run stopped after the third message of alice's INBOX leaves behind.
        try (Store s = SqliteStore.open(data()); PostgresStore t = openTarget()) {
            Account a = s.accounts().account("alice@example.org").orElseThrow();
            Mailbox inbox = s.mail().mailbox(a.id(), "INBOX").orElseThrow();
            t.accounts().addDomain("example.org");
            Account ta = t.accounts().createAccount(a.address(), a.passwordHash(), a.quotaBytes());
            Mailbox tin = t.importer().orElseThrow().adoptMailbox(ta.id(), "INBOX", Optional.empty(), inbox.uidValidity(),
                    inbox.uidNext(), inbox.highestModSeq());
            for (MessageMeta m : s.mail().messages(inbox.id()).subList(0, 3)) {
                byte[] bytes;
                try (InputStream in = s.mail().openContent(m.blob())) {
                    bytes = in.readAllBytes();
                }
                t.importer().orElseThrow().importMessage(tin.id(), m.uid(), MessageSource.ofBytes(bytes), m.flags(),
                        m.internalDate(), true);
            }
        }

        String out = migrate();

        assertThat(out).contains("(3 already there)").contains("alice@example.org\tINBOX\t4/4\t")
                .contains("verified: source and target match");
        try (Store s = SqliteStore.open(data()); PostgresStore t = openTarget()) {
            assertThat(snapshot(t)).isEqualTo(snapshot(s));
        }
    }
}
