package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class VerifiedPasswordsTest {

    @Test
    void onlyTheSamePasswordForTheSameUserAndStoredHashMatches() {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ofMinutes(5));
        v.remember("a@example.com", "secret", "{X}hash1");
        assertThat(v.contains("a@example.com", "secret", "{X}hash1")).isTrue();
        assertThat(v.contains("a@example.com", "secret2", "{X}hash1")).isFalse();
        assertThat(v.contains("a@example.com", "secret", "{X}hash2")).isFalse();
        assertThat(v.contains("b@example.com", "secret", "{X}hash1")).isFalse();
    }

    @Test
    void loginAndPasswordCannotTradeCharacters() {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ofMinutes(5));
        v.remember("ab", "c", "{X}h");
        assertThat(v.contains("ab", "c", "{X}h")).isTrue();
        assertThat(v.contains("a", "bc", "{X}h")).isFalse();
    }

    @Test
    void entriesExpire() throws Exception {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ofMillis(1));
        v.remember("a@example.com", "secret", "{X}h");
        Thread.sleep(5);
        assertThat(v.contains("a@example.com", "secret", "{X}h")).isFalse();
    }

    @Test
    void aZeroLifetimeTurnsTheCacheOff() {
        VerifiedPasswords v = new VerifiedPasswords(Duration.ZERO);
        v.remember("a@example.com", "secret", "{X}h");
        assertThat(v.contains("a@example.com", "secret", "{X}h")).isFalse();
    }
}
