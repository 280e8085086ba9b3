package jotmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import jotmai.imap.ImapConfig;
import jotmai.imap.ImapServer;
import jotmai.shared.auth.AuthService;
import jotmai.shared.tls.TlsContextProvider;
import jotmai.store.Store;

/**
 * RFC 5465 NOTIFY across two nodes of one PostgreSQL schema: a session on node A watches, a session
 * on node B changes; the mailbox-list key and the mailbox rings travel through LISTEN/NOTIFY (the bus
 * path that differs from the embedded store). Two PostgresStore instances in one JVM are two nodes:
 * each has its own LISTEN connection and node id.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NotifyAcrossNodesTest {
    static final String USER = "erin@notify.test";
    static final String PASSWORD = "notify-pw";

    @TempDir
    static Path dir;

    static ClusterDatabase db;
    static Store storeA;
    static Store storeB;
    static ImapServer nodeA;
    static ImapServer nodeB;

    @BeforeAll
    static void start() throws Exception {
        db = ClusterDatabase.fromEnvironment(dir);
        storeA = db.openAdmin(dir.resolve("a"));
        storeB = db.openAdmin(dir.resolve("b"));
        ClusterDatabase.addUser(storeA, USER, PASSWORD);
        TlsContextProvider tls = TlsContextProvider.selfSigned(dir.resolve("tls"), "localhost");
        nodeA = new ImapServer(ImapConfig.loopback(), storeA, new AuthService(storeA.accounts()), tls);
        nodeB = new ImapServer(ImapConfig.loopback(), storeB, new AuthService(storeB.accounts()), tls);
        nodeA.start();
        nodeB.start();
    }

    @AfterAll
    static void stop() {
        for (ImapServer s : new ImapServer[] {nodeA, nodeB}) {
            if (s != null) {
                s.close(1000);
            }
        }
        for (Store s : new Store[] {storeA, storeB}) {
            if (s != null) {
                s.close();
            }
        }
        if (db != null) {
            db.close();
        }
    }

    /** A line client: enough for a transcript without literals in the answers. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        int tag;

        Client(ImapServer node) throws IOException {
            socket = new Socket("127.0.0.1", node.listeners().get(0).port());
            socket.setSoTimeout(20_000); // the cross-node ring is expected within a second
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            in.readLine();
            assertThat(command("LOGIN " + USER + " " + PASSWORD)).contains(" OK ");
        }

        String command(String command) throws IOException {
            String t = "c" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < 1000; i++) {
                String line = in.readLine();
                if (line == null || line.startsWith(t + " ")) {
                    return line;
                }
            }
            throw new IllegalStateException("no tagged answer");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aWatcherOnNodeAHearsMailboxAndMessageChangesMadeOnNodeB() throws Exception {
        try (Client watcher = new Client(nodeA); Client changer = new Client(nodeB)) {
            assertThat(watcher.command("NOTIFY SET (PERSONAL (MessageNew MessageExpunge MailboxName SubscriptionChange))"))
                    .startsWith("c2 OK");
            assertThat(changer.command("CREATE Team")).startsWith("c2 OK");
            assertThat(watcher.in.readLine()).isEqualTo("* LIST (\\HasNoChildren) \"/\" Team");
            String message = "Subject: hi\r\n\r\nhello\r\n";
            assertThat(changer.command("APPEND Team {" + message.length() + "+}\r\n" + message)).startsWith("c3 OK");
            assertThat(watcher.in.readLine()).matches("\\* STATUS Team \\(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \\d+\\)");
            assertThat(changer.command("RENAME Team Crew")).startsWith("c4 OK");
            assertThat(watcher.in.readLine()).isEqualTo("* LIST (\\HasNoChildren) \"/\" Crew (\"OLDNAME\" (Team))");
            assertThat(changer.command("SUBSCRIBE Crew")).startsWith("c5 OK");
            assertThat(watcher.in.readLine()).isEqualTo("* LIST (\\HasNoChildren \\Subscribed) \"/\" Crew");
        }
    }
}
