package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands with {@code store.type = postgresql}, against the test PostgreSQL of
 * bin/pg-test.sh (JOTMAI_TEST_PG_URL, _USER, _PASSWORD). Skipped without it, except when CI=true.
 */
class PostgresCliTest {

    @TempDir
    Path dir;

    private final List<String> settings = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        String url = System.getenv("JOTMAI_TEST_PG_URL");
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            Assumptions.assumeTrue(url != null && !url.isBlank(),
                    "JOTMAI_TEST_PG_URL is not set; run: bin/pg-test.sh start && eval \"$(bin/pg-test.sh env)\"");
        }
        Path passwordFile = dir.resolve("pg-password");
        Files.writeString(passwordFile, System.getenv().getOrDefault("JOTMAI_TEST_PG_PASSWORD", "mailpw") + "\n");
        settings.addAll(List.of(
                "store.type=postgresql",
                "store.postgresql.url=" + url,
                "store.postgresql.user=" + System.getenv().getOrDefault("JOTMAI_TEST_PG_USER", "mail"),
                "store.postgresql.password-file=" + passwordFile,
                "store.postgresql.pool-size=2",
                "store.postgresql.schema=cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)));
    }

    private String[] args(String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of("--data", dir.resolve("data").toString()));
        for (String s : settings) {
            all.addAll(List.of("--set", s));
        }
        return all.toArray(String[]::new);
    }

    private String run(String... command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.run(args(command), new Terminal(new ByteArrayInputStream(new byte[0]), Optional.empty()),
                new PrintWriter(out), new PrintWriter(err));
        assertThat(status).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void domainsUsersAndAliasesLiveInPostgresql() {
        run("domain", "add", "example.net");
        run("user", "add", "ivy@example.net", "--password", "pw-ivy", "--quota", "2G");
        run("alias", "add", "@example.net", "ivy@example.net");

        assertThat(run("domain", "list")).isEqualTo("example.net\n");
        assertThat(run("user", "list")).isEqualTo("ivy@example.net\t2.0 GiB\t0 B used\n");
        assertThat(run("alias", "list")).isEqualTo("@example.net\tivy@example.net\n");
        assertThat(dir.resolve("data").resolve("jotmai.db")).as("nothing went to SQLite").doesNotExist();
    }
}
