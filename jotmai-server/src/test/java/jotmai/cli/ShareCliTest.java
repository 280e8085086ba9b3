package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.shared.auth.AuthResult;
import jotmai.shared.auth.AuthService;
import jotmai.store.Account;
import jotmai.store.Rights;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/** {@code jotmai share / unshare / shares} in-process against a real SQLite store. */
class ShareCliTest {
    @TempDir
    Path data;

    record Result(int status, String out, String err) {}

    private Result jotmai(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--data");
        all.add(data.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new ByteArrayInputStream(new byte[0]), Optional.empty());
        int status = Main.run(all.toArray(String[]::new), terminal, new PrintWriter(out), new PrintWriter(err));
        return new Result(status, out.toString(), err.toString());
    }

    private void setUp() {
        try (Store s = SqliteStore.open(data)) {
            s.accounts().addDomain("example.com");
            s.accounts().createAccount("sales@example.com", "{PLAIN}x", 0);
            s.accounts().createAccount("bob@example.com", "{PLAIN}x", 0);
        }
    }

    @Test
    void aUsersMailboxIsSharedListedAndUnshared() {
        setUp();
        assertThat(jotmai("share", "Sales@example.com/inbox", "Bob@example.com", "rsl").out())
                .isEqualTo("shared sales@example.com/INBOX with bob@example.com: lrs\n");
        assertThat(jotmai("share", "sales@example.com/INBOX", "anyone", "l").status()).isZero();
        assertThat(jotmai("shares", "sales@example.com").out().lines()).containsExactly(
                "sales@example.com/INBOX\tanyone\tl", "sales@example.com/INBOX\tbob@example.com\tlrs");
        try (Store s = SqliteStore.open(data)) {
            Account bob = s.accounts().account("bob@example.com").orElseThrow();
            assertThat(s.acl().sharedWith(bob)).singleElement()
                    .satisfies(m -> assertThat(m.rights()).isEqualTo(Rights.of("lrs")));
        }
        assertThat(jotmai("unshare", "sales@example.com/INBOX", "bob@example.com").out())
                .isEqualTo("unshared sales@example.com/INBOX from bob@example.com\n");
        assertThat(jotmai("shares", "sales@example.com/INBOX").out()).isEqualTo("sales@example.com/INBOX\tanyone\tl\n");
    }

    @Test
    void mistakesGetOneClearLineAndAFailureStatus() {
        setUp();
        Result r = jotmai("share", "sales@example.com/Nope", "bob@example.com", "lr");
        assertThat(r.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).isEqualTo("jotmai: no mailbox Nope of sales@example.com\n");
        assertThat(jotmai("share", "sales@example.com/INBOX", "nobody@example.com", "lr").err())
                .isEqualTo("jotmai: no account nobody@example.com\n");
        assertThat(jotmai("share", "sales@example.com/INBOX", "bob@example.com", "lrz").err())
                .isEqualTo("jotmai: unknown right: z\n");
        assertThat(jotmai("share", "sales@example.com", "bob@example.com", "lr").err()).contains("is not OWNER/MAILBOX");
        assertThat(jotmai("share", "sales@example.com/INBOX", "sales@example.com", "lr").err())
                .isEqualTo("jotmai: the owner always has all rights\n");
        assertThat(jotmai("unshare", "sales@example.com/INBOX", "bob@example.com").err())
                .isEqualTo("jotmai: sales@example.com/INBOX is not shared with bob@example.com\n");
    }

    @Test
    void anAdministratorCreatesASharedFolderOwnedByNoUserThatNobodyCanLogInTo() {
        setUp();
        assertThat(jotmai("share", "--create", "shared@example.com/Team", "anyone", "lrswite").out())
                .isEqualTo("shared shared@example.com/Team with anyone: lrswite\n");
        try (Store s = SqliteStore.open(data)) {
            Account bob = s.accounts().account("bob@example.com").orElseThrow();
            assertThat(s.acl().sharedWith(bob)).singleElement().satisfies(m -> {
                assertThat(m.ownerAddress()).isEqualTo("shared@example.com");
                assertThat(m.mailbox().name()).isEqualTo("Team");
            });
            AuthService auth = new AuthService(s.accounts());
            assertThat(auth.authenticate("shared@example.com", "!", InetAddress.getLoopbackAddress(), "test"))
                    .isNotInstanceOf(AuthResult.Success.class);
        }
        assertThat(jotmai("share", "--create", "nobody@example.com/Team", "anyone", "l").err())
                .isEqualTo("jotmai: no account nobody@example.com\n");
    }
}
