package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.auth.AuthResult;
import jotmai.shared.auth.AuthService;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/** The admin commands run in-process through picocli against a real SQLite store in a temp dir. */
class CliTest {

    @TempDir
    Path data;

    record Result(int status, String out, String err) {}

    private Result withStdin(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.isEmpty() && !all.contains("--help")) {
            all.add("--data");
            all.add(data.toString());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                Optional.empty());
        int status = Main.run(all.toArray(String[]::new), terminal, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    private Result jotmai(String... args) {
        return withStdin("", args);
    }

    @Test
    void domainsCanBeAddedListedAndRemoved() {
        assertThat(jotmai("domain", "add", "Example.COM").out()).isEqualTo("added domain example.com\n");
        assertThat(jotmai("domain", "add", "example.org").status()).isZero();

        assertThat(jotmai("domain", "list").out().lines()).containsExactlyInAnyOrder("example.com", "example.org");

        assertThat(jotmai("domain", "remove", "example.org").status()).isZero();
        assertThat(jotmai("domain", "list").out().lines()).containsExactly("example.com");
    }

    @Test
    void userAddedWithPasswordFromStdinCanLogIn() {
        jotmai("domain", "add", "example.com");

        Result added = withStdin("s3cret-Pass\n", "user", "add", "alice@example.com", "--password-stdin", "--quota", "1G");

        assertThat(added.status()).as(added.err()).isZero();
        assertThat(jotmai("user", "list").out()).isEqualTo("alice@example.com\t1.0 GiB\t0 B used\n");
        try (Store store = SqliteStore.open(data)) {
            AuthService auth = new AuthService(store.accounts());
            assertThat(auth.authenticate("alice@example.com", "s3cret-Pass", InetAddress.getLoopbackAddress(), "test"))
                    .isInstanceOf(AuthResult.Success.class);
            assertThat(store.accounts().account("alice@example.com").orElseThrow().passwordHash())
                    .startsWith("{ARGON2ID}").doesNotContain("s3cret-Pass");
        }
    }

    @Test
    void passwdReplacesThePassword() {
        jotmai("domain", "add", "example.com");
        jotmai("user", "add", "bob@example.com", "--password", "old-password");

        Result changed = withStdin("new-password\n", "user", "passwd", "bob@example.com", "--password-stdin");

        assertThat(changed.out()).isEqualTo("changed the password of bob@example.com\n");
        try (Store store = SqliteStore.open(data)) {
            AuthService auth = new AuthService(store.accounts());
            assertThat(auth.authenticate("bob@example.com", "new-password", InetAddress.getLoopbackAddress(), "test"))
                    .isInstanceOf(AuthResult.Success.class);
        }
    }

    @Test
    void apopSecretIsSetApartFromThePasswordAndRemovedWithOff() {
        jotmai("domain", "add", "example.com");
        jotmai("user", "add", "dave@example.com", "--password", "the-password");

        Result set = withStdin("tanstaaf\n", "user", "apop-secret", "dave@example.com", "--password-stdin");

        assertThat(set.out()).isEqualTo("set the APOP secret of dave@example.com\n");
        try (Store store = SqliteStore.open(data)) {
            var account = store.accounts().account("dave@example.com").orElseThrow();
            assertThat(store.accounts().apopSecret(account.id())).contains("tanstaaf");
            assertThat(new AuthService(store.accounts()).authenticate("dave@example.com", "the-password",
                    InetAddress.getLoopbackAddress(), "test")).isInstanceOf(AuthResult.Success.class);
        }
        assertThat(jotmai("user", "apop-secret", "dave@example.com", "--off", "--password", "x").status()).isNotZero();
        assertThat(jotmai("user", "apop-secret", "dave@example.com", "--off").out())
                .isEqualTo("removed the APOP secret of dave@example.com\n");
        try (Store store = SqliteStore.open(data)) {
            var account = store.accounts().account("dave@example.com").orElseThrow();
            assertThat(store.accounts().apopSecret(account.id())).isEmpty();
        }
        assertThat(jotmai("user", "apop-secret", "nobody@example.com", "--password", "x").status()).isNotZero();
    }

    @Test
    void quotaIsShownAndSet() {
        jotmai("domain", "add", "example.com");
        jotmai("user", "add", "carol@example.com", "--password", "pw-carol");

        assertThat(jotmai("user", "quota", "carol@example.com").out())
                .isEqualTo("carol@example.com: 0 B used in 0 messages, quota unlimited\n");
        assertThat(jotmai("user", "quota", "carol@example.com", "500M").out())
                .isEqualTo("quota of carol@example.com set to 500.0 MiB\n");
        assertThat(jotmai("user", "quota", "carol@example.com").out()).endsWith("quota 500.0 MiB\n");
    }

    @Test
    void theMessageQuotaIsSetNextToTheStorageQuotaAndZeroRemovesIt() {
        jotmai("domain", "add", "example.com");
        jotmai("user", "add", "erin@example.com", "--password", "pw-erin");

        assertThat(jotmai("user", "quota", "erin@example.com", "1G", "--messages", "5000").out())
                .isEqualTo("quota of erin@example.com set to 1.0 GiB\n"
                        + "message quota of erin@example.com set to 5000 messages\n");
        assertThat(jotmai("user", "quota", "erin@example.com").out())
                .isEqualTo("erin@example.com: 0 B used in 0 messages, quota 1.0 GiB, at most 5000 messages\n");
        assertThat(jotmai("user", "quota", "erin@example.com", "--messages", "0").out())
                .isEqualTo("message quota of erin@example.com set to unlimited\n");
        assertThat(jotmai("user", "quota", "erin@example.com").out()).endsWith("quota 1.0 GiB\n");
        assertThat(jotmai("user", "quota", "erin@example.com", "--messages", "-1").status()).isNotZero();
    }

    @Test
    void usersCanBeRemovedAndThenTheDomainToo() {
        jotmai("domain", "add", "example.com");
        jotmai("user", "add", "dave@example.com", "--password", "pw-dave");

        Result refused = jotmai("domain", "remove", "example.com");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith("jotmai: ").hasLineCount(1);

        assertThat(jotmai("user", "remove", "dave@example.com").out()).isEqualTo("removed user dave@example.com\n");
        assertThat(jotmai("user", "list").out()).isEmpty();
        assertThat(jotmai("domain", "remove", "example.com").status()).isZero();
    }

    @Test
    void aliasesAndCatchAllsCanBeAddedListedAndRemoved() {
        jotmai("domain", "add", "example.com");
        jotmai("user", "add", "erin@example.com", "--password", "pw-erin");

        assertThat(jotmai("alias", "add", "info@example.com", "erin@example.com", "boss@elsewhere.org").out())
                .isEqualTo("added alias info@example.com -> erin@example.com, boss@elsewhere.org\n");
        assertThat(jotmai("alias", "add", "@example.com", "erin@example.com").status()).isZero();

        assertThat(jotmai("alias", "list").out().lines()).containsExactlyInAnyOrder(
                "info@example.com\terin@example.com", "info@example.com\tboss@elsewhere.org",
                "@example.com\terin@example.com");

        assertThat(jotmai("alias", "remove", "info@example.com", "boss@elsewhere.org").status()).isZero();
        assertThat(jotmai("alias", "remove", "@example.com").status()).isZero();
        assertThat(jotmai("alias", "list").out()).isEqualTo("info@example.com\terin@example.com\n");
    }

    @Test
    void userInADomainThatIsNotHostedIsOneClearError() {
        Result r = jotmai("user", "add", "frank@nowhere.example", "--password", "pw");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jotmai: domain nowhere.example is not hosted here; add it first: "
                + "jotmai domain add nowhere.example\n");
    }

    @Test
    void withoutATerminalThePromptAsksForPasswordStdin() {
        jotmai("domain", "add", "example.com");

        Result r = jotmai("user", "add", "gina@example.com");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jotmai: no terminal to ask for the password; use --password-stdin\n");
    }

    @Test
    void wrongCommandLinesExitWithStatusTwoAndOneLine() {
        Result unknown = jotmai("domain", "ad", "example.com");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("jotmai: ").hasLineCount(1);

        Result missing = jotmai("domain", "add");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("DOMAIN").contains("jotmai domain add --help").hasLineCount(1);
    }

    @Test
    void malformedInputIsRejectedBeforeTheStore() {
        assertThat(jotmai("domain", "add", "not a domain").err())
                .isEqualTo("jotmai: 'not a domain' is not a domain name (expected e.g. example.com)\n");
        assertThat(jotmai("user", "add", "nobody", "--password", "x").err())
                .isEqualTo("jotmai: 'nobody' is not an address (expected e.g. alice@example.com)\n");
        assertThat(jotmai("domain", "list", "--set", "imap.port=http").err())
                .startsWith("jotmai: --set: imap.port = 'http'").hasLineCount(1);
    }

    @Test
    void configFileInTheDataDirectoryIsRead() throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve("jotmai.conf"), "no.such.key = 1\n");

        Result r = jotmai("domain", "list");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("jotmai.conf:1: unknown setting 'no.such.key'");
    }

    @Test
    void adminChangesAreSeenByAStoreThatIsAlreadyOpen() {
        try (Store running = SqliteStore.open(data)) {
            jotmai("domain", "add", "example.com");
            jotmai("user", "add", "hank@example.com", "--password", "pw-hank");

            assertThat(running.accounts().isHostedDomain("example.com")).isTrue();
            assertThat(running.accounts().account("hank@example.com")).isPresent();
        }
    }

    @Test
    void helpListsEveryCommand() {
        StringWriter out = new StringWriter();
        int status = Main.run(new String[] {"--help"}, new Terminal(System.in, Optional.empty()),
                new PrintWriter(out), new PrintWriter(new StringWriter()));

        assertThat(status).isZero();
        assertThat(out.toString()).contains("serve", "domain", "user", "alias");
    }
}
