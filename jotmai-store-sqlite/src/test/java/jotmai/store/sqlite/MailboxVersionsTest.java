package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailboxVersionsTest {

    @Test
    void anEntryIsTrustedUntilACommitTouchesItsMailbox() {
        MailboxVersions versions = new MailboxVersions();
        long generation = versions.generation(7);
        versions.remember(7, generation, 42);
        assertThat(versions.highestModSeq(7)).isEqualTo(42);
        versions.invalidate(7);
        assertThat(versions.highestModSeq(7)).isEqualTo(-1);
    }

    @Test
    void aReadThatStartedBeforeACommitIsNotTrusted() {
        MailboxVersions versions = new MailboxVersions();
        long generation = versions.generation(7);
        versions.invalidate(7); // committed while the read ran
        versions.remember(7, generation, 42);
        assertThat(versions.highestModSeq(7)).isEqualTo(-1);
    }

    @Test
    void anEntryIsNotTrustedBeyondItsMaximumAgeSoALostRingCannotHideAChangeForLong() throws Exception {
        MailboxVersions versions = new MailboxVersions(1_000_000); // 1 ms
        versions.remember(7, versions.generation(7), 42);
        Thread.sleep(5);
        assertThat(versions.highestModSeq(7)).isEqualTo(-1);
    }

    @Test
    void aGuestProcessNeverTrustsEntries() {
        MailboxVersions versions = new MailboxVersions();
        versions.disable();
        versions.remember(7, versions.generation(7), 42);
        assertThat(versions.highestModSeq(7)).isEqualTo(-1);
    }
}
