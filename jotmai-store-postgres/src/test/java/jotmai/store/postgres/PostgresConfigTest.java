package jotmai.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Config validation and the mailbox id layout; no database needed. */
class PostgresConfigTest {

    @Test
    void theConfigNeverShowsThePassword() {
        PostgresConfig c = PostgresConfig.of("jdbc:postgresql://db/mail", "mail", "s3cret-pw");
        assertThat(c.toString()).doesNotContain("s3cret-pw").contains("password=***", "jdbc:postgresql://db/mail");
        assertThat(c.synchronousCommit()).isTrue();
        assertThat(c.schema()).isEqualTo("public");
    }

    @Test
    void badUrlsSchemasAndPoolSizesAreRefused() {
        PostgresConfig c = PostgresConfig.of("jdbc:postgresql://db/mail", "mail", "pw");
        assertThatThrownBy(() -> PostgresConfig.of("jdbc:mysql://db/mail", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class);
        for (String schema : new String[] {"Public", "a-b", "x;drop", "", "1abc"}) {
            assertThatThrownBy(() -> c.withSchema(schema)).as(schema).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> c.withPoolSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mailboxIdsRoundTripTheirAccountAndRefuseOverflow() {
        long id = MailboxIds.compose(123_456_789L, 42);
        assertThat(MailboxIds.accountOf(id)).isEqualTo(123_456_789L);
        assertThat(id & MailboxIds.MAX_ORDINAL).isEqualTo(42);
        assertThat(MailboxIds.compose(MailboxIds.MAX_ACCOUNT_ID, MailboxIds.MAX_ORDINAL)).isPositive();
        assertThatThrownBy(() -> MailboxIds.compose(1, MailboxIds.MAX_ORDINAL + 1))
                .isInstanceOf(jotmai.store.StoreException.Conflict.class);
        assertThatThrownBy(() -> MailboxIds.compose(MailboxIds.MAX_ACCOUNT_ID + 1, 1))
                .isInstanceOf(jotmai.store.StoreException.Conflict.class);
    }
}
