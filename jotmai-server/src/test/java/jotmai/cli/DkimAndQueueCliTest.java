package jotmai.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/** {@code jotmai dkim ...} and {@code jotmai queue ...} in-process against a real SQLite store in a temp dir. */
class DkimAndQueueCliTest {

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

    private String enqueue(String from, String... to) {
        try (Store s = SqliteStore.open(data)) {
            List<QueueStore.QueuedRecipient> rcpts = new ArrayList<>();
            for (String t : to) {
                rcpts.add(new QueueStore.QueuedRecipient(t, "", ""));
            }
            byte[] msg = ("From: " + from + "\r\nSubject: queued\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
            return s.queue().enqueue(from, rcpts, MessageSource.ofBytes(msg),
                    new QueueStore.DsnRequest("", "", false, false));
        }
    }

    @Test
    void dkimGeneratePrintsTheTxtRecordAndShowPrintsItAgain() {
        Result generated = jotmai("dkim", "generate", "Example.COM");

        assertThat(generated.status()).as(generated.err()).isZero();
        assertThat(generated.out()).startsWith("jotmai._domainkey.example.com. IN TXT \"v=DKIM1; k=rsa; p=");
        assertThat(data.resolve("dkim/example.com/jotmai.pem")).isRegularFile();
        assertThat(jotmai("dkim", "show", "example.com").out()).isEqualTo(generated.out());
    }

    @Test
    void dkimGenerateTakesASelectorAndEd25519AndNeverOverwritesAKey() {
        Result ed = jotmai("dkim", "generate", "example.com", "--selector", "s2026", "--algorithm", "ed25519");

        assertThat(ed.status()).as(ed.err()).isZero();
        assertThat(ed.out()).startsWith("s2026._domainkey.example.com. IN TXT \"v=DKIM1; k=ed25519; p=");
        Result again = jotmai("dkim", "generate", "example.com", "--selector", "s2026");
        assertThat(again.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(again.err()).startsWith("jotmai: ").contains("exists");
        assertThat(jotmai("dkim", "show", "example.com", "--selector", "s2026").out()).isEqualTo(ed.out());
    }

    @Test
    void dkimShowWithoutAKeyAndABadAlgorithmAreOneLineErrors() {
        Result missing = jotmai("dkim", "show", "nokey.example");
        assertThat(missing.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(missing.err()).isEqualTo(
                "jotmai: no DKIM key for nokey.example with selector jotmai (create one with 'jotmai dkim generate "
                        + "nokey.example')\n");

        Result bad = jotmai("dkim", "generate", "example.com", "--algorithm", "dsa");
        assertThat(bad.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(bad.err()).contains("--algorithm must be rsa or ed25519");
    }

    @Test
    void queueListShowRetryFlushAndDeleteWorkOnQueuedMessages() {
        assertThat(jotmai("queue", "list").err()).contains("the queue is empty");
        String first = enqueue("alice@example.com", "bob@remote.test", "carol@remote.test");
        String second = enqueue("alice@example.com", "dave@far.test");

        Result list = jotmai("queue", "list");
        assertThat(list.status()).isZero();
        assertThat(list.out().lines()).hasSize(2).anySatisfy(l -> assertThat(l).startsWith(first).contains("open=2/2"));

        Result show = jotmai("queue", "show", first);
        assertThat(show.status()).isZero();
        assertThat(show.out()).contains("from: <alice@example.com>").contains("<bob@remote.test>")
                .contains("<carol@remote.test>");

        assertThat(jotmai("queue", "retry", first).out()).isEqualTo("message " + first + " is due now\n");
        assertThat(jotmai("queue", "flush").out()).isEqualTo("2 message(s) due now\n");

        assertThat(jotmai("queue", "delete", second).out()).isEqualTo("deleted message " + second + "\n");
        assertThat(jotmai("queue", "list").out().lines()).hasSize(1);

        Result unknown = jotmai("queue", "show", second);
        assertThat(unknown.status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(unknown.err()).isEqualTo("jotmai: no queued message " + second + "\n");
        assertThat(jotmai("queue", "retry", second).status()).isEqualTo(Main.EXIT_FAILED);
        assertThat(jotmai("queue", "delete", second).status()).isEqualTo(Main.EXIT_FAILED);
    }
}
