package jotmai.pop3;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.Store;
import jotmai.store.sqlite.SqliteStore;

/**
 * Where RETR time goes, in-process (run by hand: JOTMAI_BENCH_DIR=<filled bench store>
 * -Dtest=RetrProfile): reading a mailbox's content from the store alone, and reading it through
 * {@link MessageStreamer} into a null stream.
 */
class RetrProfile {

    @Test
    void storeReadVersusStreaming() throws Exception {
        String dir = System.getenv("JOTMAI_BENCH_DIR");
        Assumptions.assumeTrue(dir != null, "needs JOTMAI_BENCH_DIR with a filled benchmark store");
        try (Store store = SqliteStore.open(Path.of(dir))) {
            for (String user : List.of("user181@example.test", "user171@example.test")) {
                Account a = store.accounts().account(user).orElseThrow();
                Mailbox inbox = store.mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow();
                List<MessageMeta> messages = store.mail().messages(inbox.id());
                byte[] chunk = new byte[TransactionCommands.STREAM_CHUNK_OCTETS];
                for (int round = 0; round < 4; round++) {
                    long t0 = System.nanoTime();
                    long bytes = 0;
                    for (MessageMeta m : messages) {
                        try (InputStream in = store.mail().openContent(m.blob())) {
                            for (int n; (n = in.read(chunk)) > 0; ) {
                                bytes += n;
                            }
                        }
                    }
                    long t1 = System.nanoTime();
                    for (MessageMeta m : messages) {
                        try (InputStream in = store.mail().openContent(m.blob())) {
                            MessageStreamer s = new MessageStreamer(OutputStream.nullOutputStream(), MessageStreamer.ALL_LINES);
                            for (int n; (n = in.read(chunk)) > 0; ) {
                                s.write(chunk, 0, n);
                            }
                            s.finish();
                        }
                    }
                    long t2 = System.nanoTime();
                    System.out.printf("PROFILE %s round %d: %d msgs %d bytes: store read %.3f s (%.1f MB/s), read+stream %.3f s%n",
                            user, round, messages.size(), bytes, (t1 - t0) / 1e9, bytes / ((t1 - t0) / 1e3), (t2 - t1) / 1e9);
                }
            }
        }
    }

    @Test
    void endToEndWithTheRawClient() throws Exception {
        String dir = System.getenv("JOTMAI_BENCH_DIR");
        Assumptions.assumeTrue(dir != null, "needs JOTMAI_BENCH_DIR with a filled benchmark store");
        try (Store store = SqliteStore.open(Path.of(dir));
             Pop3Server server = new Pop3Server(Pop3Config.loopback().withListeners(
                     List.of(jotmai.shared.net.ListenerConfig.loopback("pop3", false)), List.of()),
                     store, new jotmai.shared.auth.AuthService(store.accounts()), null)) {
            server.start();
            String raw = Path.of("..", "bench", "pop3", "raw-retr.py").toAbsolutePath().normalize().toString();
            ExternalTool.Result r = ExternalTool.run(List.of("python3", raw, "--port",
                    Integer.toString(server.listeners().getFirst().port()), "--users", "user181@example.test",
                    "--runs", "4"), java.util.Map.of(), Path.of("/tmp"), 600);
            r.output().lines().forEach(l -> System.out.println("PROFILE raw " + l));
        }
    }
}
