package jotmai.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.BlobRef;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;

/** The schema's promises: migrations idempotent, Citus-ready keys, bounded memory for byte ranges. */
class PostgresSchemaTest {

    /** Tables whose rows belong to one account (distributed by account_id under Citus). */
    static final List<String> PER_ACCOUNT_TABLES =
            List.of("account_state", "mailboxes", "subscriptions", "messages", "tombstones");

    @RegisterExtension
    static final FreshPgStore pg = new FreshPgStore();

    static Connection connect() throws Exception {
        return DriverManager.getConnection(PgTestDatabase.url(), PgTestDatabase.user(), PgTestDatabase.password());
    }

    /**
     * Tables without an account id, each with its role under Citus (docs/SCALING.md): reference tables
     * are copied to every worker, the others stay plain tables on the coordinator or are distributed by
     * their own key. A new table must either lead its primary key with account_id or be listed here.
     */
    static final Map<String, String> GLOBAL_TABLES = Map.of(
            "domains", "reference", "aliases", "reference", "accounts", "reference",
            "blobs", "distributed by id", "blob_chunks", "distributed by blob_id",
            "message_texts", "distributed by blob_id, co-located with blobs (SEARCH text index)",
            "queue_messages", "coordinator (FOR UPDATE SKIP LOCKED over all due rows)",
            "queue_recipients", "coordinator, with queue_messages",
            "auth_throttle", "coordinator or distributed by key (written on every failed login)",
            "flyway_schema_history", "coordinator");

    @Test
    void everyPerAccountTableLeadsItsPrimaryKeyWithAccountId() throws Exception {
        List<String> leading = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT t.relname, a.attname FROM pg_index i
                JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                WHERE i.indisprimary AND n.nspname = ? ORDER BY t.relname""")) {
            ps.setString(1, pg.config().schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (PER_ACCOUNT_TABLES.contains(rs.getString(1))) {
                        leading.add(rs.getString(1) + "." + rs.getString(2));
                    }
                }
            }
        }
        assertThat(leading).containsExactlyInAnyOrderElementsOf(
                PER_ACCOUNT_TABLES.stream().map(t -> t + ".account_id").toList());
    }

    @Test
    void everyTableIsEitherDistributableByAccountIdOrAKnownGlobalTable() throws Exception {
        // Citus readiness for tables added by later migrations too: a table that has an account_id
        // column must lead its primary key with it (co-location by account); one without must be
        // classified in GLOBAL_TABLES.
        List<String> misfits = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT t.relname,
                       (SELECT a.attname FROM pg_index i JOIN pg_attribute a
                          ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
                        WHERE i.indrelid = t.oid AND i.indisprimary) AS pk_lead,
                       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid
                               AND a.attname = 'account_id' AND NOT a.attisdropped) AS has_account
                FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = ? AND t.relkind = 'r' ORDER BY t.relname""")) {
            ps.setString(1, pg.config().schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    boolean perAccount = rs.getBoolean(3);
                    if (perAccount && !"account_id".equals(rs.getString(2))) {
                        misfits.add(table + ": has account_id but its primary key leads with " + rs.getString(2));
                    } else if (!perAccount && !GLOBAL_TABLES.containsKey(table)) {
                        misfits.add(table + ": no account_id; lead the primary key with it or classify the table "
                                + "in GLOBAL_TABLES (and docs/SCALING.md)");
                    }
                }
            }
        }
        assertThat(misfits).isEmpty();
    }

    @Test
    void mailboxIdsCarryTheirAccountId() {
        String domain = "d" + System.nanoTime() + ".example";
        pg.store().accounts().addDomain(domain);
        Account a = pg.store().accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
        assertThat(pg.store().mail().mailboxes(a.id())).allSatisfy(
                m -> assertThat(MailboxIds.accountOf(m.id())).isEqualTo(a.id()));
    }

    @Test
    void openingASecondNodeOnAMigratedSchemaAppliesNothingAgain() throws Exception {
        List<String> before = appliedMigrations();
        assertThat(before).isEqualTo(migrationVersions());
        try (PostgresStore second = PostgresStore.open(pg.config())) {
            assertThat(second.accounts().domains()).isNotNull();
        }
        assertThat(appliedMigrations()).isEqualTo(before);
    }

    /** Versions of the migration files on the class path (target/classes/db/postgres), in order. */
    static List<String> migrationVersions() throws Exception {
        Path dir = Path.of(PostgresStore.class.getResource("/db/postgres").toURI());
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted(java.util.Comparator.comparingInt(Integer::parseInt))
                    .toList();
        }
    }

    static List<String> appliedMigrations() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT version FROM "
                + pg.config().schema() + ".flyway_schema_history WHERE success AND type = 'SQL' ORDER BY installed_rank");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void aSmallRangeOfA25MegabyteMessageIsServedWithoutLoadingTheMessage(@TempDir Path dir) throws Exception {
        String domain = "d" + System.nanoTime() + ".example";
        pg.store().accounts().addDomain(domain);
        Account a = pg.store().accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
        Path staged = dir.resolve("big.eml");
        int size = 25 * 1024 * 1024;
        try (var out = Files.newOutputStream(staged)) {
            out.write("Subject: 25 MB\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes());
            byte[] line = new byte[78];
            for (int i = 0; i < line.length - 2; i++) {
                line[i] = (byte) ('A' + i % 26);
            }
            line[76] = '\r';
            line[77] = '\n';
            for (long written = 0; written < size; written += line.length) {
                out.write(line);
            }
        }
        long mailbox = pg.store().mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow().id();
        BlobRef blob = pg.store().mail().append(mailbox, MessageSource.ofFile(staged), Set.of(), Instant.now()).meta().blob();

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        byte[] range;
        try (InputStream in = pg.store().mail().openContent(blob, 12_000_000, 100)) {
            range = in.readAllBytes();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(range).hasSize(100);
        byte[] expected = new byte[100];
        try (var file = java.nio.channels.FileChannel.open(staged)) {
            file.read(java.nio.ByteBuffer.wrap(expected), 12_000_000);
        }
        assertThat(range).isEqualTo(expected);
        assertThat(allocated).as("bytes allocated to serve a 100-octet range").isLessThan(2_000_000);
    }

    @Test
    void lookupsWithCharactersPostgresCannotStoreFindNothingInsteadOfFailing() {
        assertThat(pg.store().accounts().account("a\u0000b@example.com")).isEmpty();
        assertThat(pg.store().accounts().isHostedDomain("ex\u0000ample.com")).isFalse();
        assertThat(pg.store().accounts().aliasTargets("@ex\u0000ample.com")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pg.store().mail().openContent(new BlobRef("x\u0000y")))
                .isInstanceOf(jotmai.store.StoreException.NotFound.class);
    }

    @Test
    void mailboxCountersKeptWithEachChangeMatchACountOfTheMessages() throws Exception {
        String domain = "d" + System.nanoTime() + ".example";
        pg.store().accounts().addDomain(domain);
        Account a = pg.store().accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
        var mail = pg.store().mail();
        long inbox = mail.mailbox(a.id(), Mailbox.INBOX).orElseThrow().id();
        long archive = mail.mailbox(a.id(), "Archive").orElseThrow().id();
        java.util.Random random = new java.util.Random(42);
        List<String> flagChoices = List.of("\\Seen", "\\Deleted", "\\Flagged", "Work");
        for (int step = 0; step < 60; step++) {
            long box = random.nextBoolean() ? inbox : archive;
            long other = box == inbox ? archive : inbox;
            Set<String> flags = Set.of(flagChoices.get(random.nextInt(flagChoices.size())));
            jotmai.store.UidSet some = jotmai.store.UidSet.range(1 + random.nextInt(20), 21 + random.nextInt(20));
            switch (random.nextInt(6)) {
                case 0, 1 -> mail.append(box, MessageSource.ofBytes(("Subject: " + step + "\r\n\r\nx".repeat(1 + step))
                        .getBytes()), flags, Instant.now());
                case 2 -> mail.updateFlags(box, some, random.nextBoolean() ? jotmai.store.FlagOperation.ADD
                        : jotmai.store.FlagOperation.REMOVE, flags, java.util.OptionalLong.empty());
                case 3 -> mail.copy(box, some, other);
                case 4 -> mail.move(box, some, other);
                default -> mail.expunge(box, java.util.Optional.empty());
            }
        }
        mail.renameMailbox(a.id(), "INBOX", "Old");
        for (Mailbox m : mail.mailboxes(a.id())) {
            var messages = mail.messages(m.id());
            var status = mail.status(m.id());
            assertThat(status.messages()).as(m.name()).isEqualTo(messages.size());
            assertThat(status.unseen()).as(m.name()).isEqualTo(messages.stream().filter(x -> !x.hasFlag("\\Seen")).count());
            assertThat(status.deleted()).as(m.name()).isEqualTo(messages.stream().filter(x -> x.hasFlag("\\Deleted")).count());
            assertThat(status.size()).as(m.name()).isEqualTo(messages.stream().mapToLong(x -> x.size()).sum());
        }
    }
}
