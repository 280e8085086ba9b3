package jotmai.pop3;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;

/**
 * The setup of the transcript and client tests: a fresh SQLite store (in {@code dir/data}) with one
 * account, alice (password "secret"), and a POP3 server on loopback, started before each test and
 * closed after it.
 */
abstract class AliceMaildropTest {

    @TempDir
    Path dir;
    Pop3Fixture fx;
    Account alice;

    @BeforeEach
    void start() throws Exception {
        fx = new Pop3Fixture(dir.resolve("data")); // dir itself is free for the clients' files
        alice = fx.account("alice", "secret");
        fx.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    /** A new connection, logged in as alice with USER and PASS. */
    Pop3TestClient aliceLoggedIn() throws Exception {
        Pop3TestClient c = fx.connect();
        try {
            c.login("alice@example.test", "secret");
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }
}
