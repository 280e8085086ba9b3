package jotmai.store.sqlite;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Store;
import jotmai.store.contract.*;

/** The SQLite backend runs the whole store contract suite on a fresh store per test. */
class SqliteStoreTest implements AccountStoreContract, RecipientResolverContract, MailboxContract, MessageContract,
        CopyMoveDeliverContract, ChangesContract, ChangeBusContract, QueueStoreContract,
        ThrottleStoreContract, AclContract, MetadataContract, SearchTextContract, SeenMarksContract,
        ThreadIdContract, TombstoneContract {
    @TempDir Path dir;
    SqliteStore store;

    // the contract asks for indexed text right after delivery: no indexing delay here
    @BeforeEach void open() { store = SqliteStore.open(dir, SqliteStore.Options.DEFAULTS.withIndexDelay(java.time.Duration.ZERO)); }

    @AfterEach void close() { store.close(); }

    @Override public Store store() { return store; }
}
