package jotmai.imap;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;

/**
 * The common shape of the socket tests: for each test a fresh SQLite store in a temporary directory
 * with the account alice@example.test, and a started {@link ImapServer} on loopback ({@link ImapFixture});
 * closed after the test. A test class adds accounts or stored messages in {@link #beforeStart()}.
 */
abstract class ImapServerTestBase {
    @TempDir
    Path dir;
    /** The store, the server and its ports. */
    ImapFixture fx;
    Account alice;

    @BeforeEach
    final void startServer() throws Exception {
        fx = new ImapFixture(dir.resolve("data"));
        alice = fx.account("alice");
        beforeStart();
        fx.start();
    }

    /** Runs after alice exists and before the server listens: more accounts, messages already stored. */
    void beforeStart() throws Exception {}

    @AfterEach
    final void stopServer() {
        fx.close();
    }
}
