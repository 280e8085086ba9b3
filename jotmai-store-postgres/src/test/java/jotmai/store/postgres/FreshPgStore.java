package jotmai.store.postgres;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link PostgresStore} in a fresh schema for a test class: opened before its first test, closed
 * and the schema dropped after its last. Register as {@code @RegisterExtension static final}.
 * Skips the class (or fails it on CI) without a test database, see {@link PgTestDatabase}.
 */
final class FreshPgStore implements BeforeAllCallback, AfterAllCallback {

    private PostgresConfig config;
    private PostgresStore store;

    @Override
    public void beforeAll(ExtensionContext context) {
        config = PgTestDatabase.freshSchema();
        store = PostgresStore.open(config);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (store != null) {
            store.close();
            PgTestDatabase.dropSchema(config);
        }
    }

    PostgresStore store() {
        return store;
    }

    PostgresConfig config() {
        return config;
    }
}
