/**
 * The store contract suite: interfaces with default JUnit 5 test methods that every backend must pass.
 * A backend's test class implements them all and provides {@link jotmai.store.contract.StoreFixture#store()}:
 *
 * <pre>{@code
 * class SqliteStoreTest implements AccountStoreContract, RecipientResolverContract, MailboxContract,
 *         MessageContract, CopyMoveDeliverContract, ChangesContract, ChangeBusContract, QueueStoreContract {
 *     @TempDir Path dir;
 *     SqliteStore store;
 *     @BeforeEach void open() { store = SqliteStore.open(dir); }
 *     @AfterEach void close() { store.close(); }
 *     public Store store() { return store; }
 * }
 * }</pre>
 *
 * A backend that cannot support a test says so with {@code Assumptions.assumeTrue(..., "reason")} in
 * an override, never with an empty override. Depends on jotmai-store-api only.
 */
package jotmai.store.contract;
