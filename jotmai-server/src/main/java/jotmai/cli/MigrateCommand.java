package jotmai.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import jotmai.server.migrate.Migrator;
import jotmai.store.Store;
import jotmai.store.postgres.PostgresConfig;
import jotmai.store.postgres.PostgresStore;
import jotmai.store.sqlite.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jotmai migrate}: copies the embedded store of a data directory into PostgreSQL (issue 8),
 * keeping UIDVALIDITY and UIDs. Run it again after an interruption: it skips what is there.
 * The password comes from a file only, never from the command line (visible in ps) or the log.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Copy the embedded store of DIR into PostgreSQL (resumable), then verify counts and checksums.")
final class MigrateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "Data directory holding the embedded store (default: ./data).")
    Path dataDir;

    @Option(names = "--to", paramLabel = "URL", required = true,
            description = "Target, e.g. jdbc:postgresql://db.example.com/mail")
    String url;

    @Option(names = "--user", paramLabel = "USER", required = true, description = "PostgreSQL user.")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", required = true,
            description = "File whose first line is the PostgreSQL password.")
    Path passwordFile;

    @Option(names = "--schema", paramLabel = "SCHEMA", defaultValue = PostgresConfig.DEFAULT_SCHEMA,
            description = "Target schema (default: public).")
    String schema;

    @Option(names = "--account", paramLabel = "ADDRESS",
            description = "Migrate only these accounts (repeatable; default: all). Domains and aliases always.")
    List<String> accounts = List.of();

    @Override
    public Integer call() {
        if (!Files.isRegularFile(dataDir.resolve(SqliteStore.DATABASE_FILE))) {
            throw new CliException("no embedded store in " + dataDir);
        }
        String password = readPassword();
        PrintWriter out = spec.commandLine().getOut();
        List<String> only = accounts.stream().map(Names::address).toList();
        Migrator.Summary summary;
        try (Store from = SqliteStore.open(dataDir);
             Store to = PostgresStore.open(PostgresConfig.of(url, user, password).withSchema(schema).withPoolSize(2))) {
            summary = new Migrator(from, to, out::println).run(a -> only.isEmpty() || only.contains(a));
        }
        Migrator.Copied c = summary.copied();
        out.printf("copied: %d domains, %d accounts, %d aliases, %d messages in %d mailboxes (%d already there)%n",
                c.domains(), c.accounts(), c.aliases(), c.messages(), c.mailboxes(), c.skipped());
        for (Migrator.MailboxCheck m : summary.checks()) {
            out.printf("%s\t%s\t%d/%d\t%s\t%s%n", m.account(), m.mailbox(), m.sourceCount(), m.targetCount(),
                    m.sourceSha256().substring(0, 16), m.matches() ? "ok" : "MISMATCH");
        }
        out.println(summary.verified() ? "verified: source and target match" : "verification FAILED");
        return summary.verified() ? 0 : Main.EXIT_FAILED;
    }

    private String readPassword() {
        try {
            List<String> lines = Files.readAllLines(passwordFile);
            return lines.isEmpty() ? "" : lines.getFirst().strip();
        } catch (IOException e) {
            throw new CliException("cannot read password file " + passwordFile + ": " + e.getMessage());
        }
    }
}
