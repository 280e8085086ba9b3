package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Known vectors were generated on Debian 12 with Dovecot 2.3's {@code doveadm pw -s SCHEME -p ...}
 * and with {@code mkpasswd} from the whois package, i.e. by the software whose hashes providers import.
 */
class PasswordsTest {

    @ParameterizedTest(name = "{0} verifies")
    @CsvSource(delimiter = '|', textBlock = """
            dovecot ARGON2ID      | correct horse    | {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$QHhF+so8k0LmiaJSr1yUEA$R59ERWGYnDiCDZydMfbMzpDJNOhhaRbQ1CLSplXdXfA | false
            dovecot ARGON2I       | correct horse    | {ARGON2I}$argon2i$v=19$m=32768,t=4,p=1$Mej4lTJtlxlKBV98oMw3/w$ywQR0KV8ap4/uiuUouofWbsBJpCHNh3BEEGj05VmzmU | true
            dovecot BLF-CRYPT     | correct horse    | {BLF-CRYPT}$2y$05$bhFFWNKRKTFHRdX9ng20IOuBW8M7hWRMPVfVDrxVIKWJybMOrs19K | true
            dovecot SHA512-CRYPT  | correct horse    | {SHA512-CRYPT}$6$egueZcthNmgKJsG6$KWKfOpHW1qh105RS69X8UmVFM0ODhtPmqho1HeMO9rWcMVCDt3WlPh2x6R6wE9TU29avUmJ7dQewhZq3LQFI.1 | true
            dovecot SHA256-CRYPT  | correct horse    | {SHA256-CRYPT}$5$CfTxESq9OnxwE5W.$4Oa7fHV1P/LBTemOJYBymK93UnrBKyDfuyISuylzfw4 | true
            dovecot ARGON2ID utf8 | pässwörd ünïcode | {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$BnqWcxYUNESPcR3MKF5tLg$rK3PgrBPV1hIeQku5uHFQ7kEji6tSYwREO75l7ylsIc | false
            dovecot BLF utf8      | pässwörd ünïcode | {BLF-CRYPT}$2y$05$CDaMN1XvaPO69LjQmz2jOu7Ay.IwDg2CPwpGsb.8u1Cau8G622T3S | true
            dovecot SHA512 utf8   | pässwörd ünïcode | {SHA512-CRYPT}$6$4NI1I9yTFIV/eGFJ$cUUbz9zTpS/Z/LkmhJKO263HexHO1IyOuQwRmYl1DgJwGgnwtpogghyo7qNmYVq7Sy6xazhth/xBCP7lvec3I0 | true
            mkpasswd sha-512 CRYPT| hunter2          | {CRYPT}$6$x0U1viBltwtOJQN/$FmEoR9pm3o46BLPnm.upMTFFKPpwSmeZb8MJR37BT4CMMdZrvFZYXlj/wgLd1P6slNFYJD332e5sPti1IExtM0 | true
            mkpasswd sha-256 rounds| hunter2         | {SHA256-CRYPT}$5$rounds=10000$FP3tu9ai91yVFmzd$ltCibb4NSgky1GnD2q4yc4UXK06Y6EEiYrYzpxnUlT9 | true
            mkpasswd bcrypt 2b    | hunter2          | {CRYPT}$2b$05$cTq68/aQxPJP6d4EnpCkGeGACNwcsSS0p0zuhlc.MGliA.qOl1ure | true
            python crypt 2a bare  | hunter2          | $2a$04$abcdefghijklmnopqrstuuV3duMsC0HpUex6N9qapiuOHHWkwRXVm | true
            unprefixed sha-512    | hunter2          | $6$x0U1viBltwtOJQN/$FmEoR9pm3o46BLPnm.upMTFFKPpwSmeZb8MJR37BT4CMMdZrvFZYXlj/wgLd1P6slNFYJD332e5sPti1IExtM0 | true
            lower-case scheme     | correct horse    | {sha256-crypt}$5$CfTxESq9OnxwE5W.$4Oa7fHV1P/LBTemOJYBymK93UnrBKyDfuyISuylzfw4 | true
            """)
    void importedHashesVerifyWithTheRightPasswordOnly(String label, String password, String hash, boolean rehash) {
        assertThat(Passwords.verify(hash, password)).as(label).isTrue();
        assertThat(Passwords.verify(hash, password + "x")).as(label + " wrong").isFalse();
        assertThat(Passwords.verify(hash, "")).as(label + " empty").isFalse();
        assertThat(Passwords.needsRehash(hash)).as(label + " rehash").isEqualTo(rehash);
    }

    @Test
    void bcryptComparesOnlyTheFirst72BytesAsDovecotDoes() {
        String hash = "{BLF-CRYPT}$2y$04$oO3SqgCcyPO3qrgNgJuTiuafemm143WixJCjYxHw9lQCrq/CZLBSK"; // 80 x 'a'
        assertThat(Passwords.verify(hash, "a".repeat(80))).isTrue();
        assertThat(Passwords.verify(hash, "a".repeat(72))).isTrue();
        assertThat(Passwords.verify(hash, "a".repeat(71))).isFalse();
    }

    @Test
    void newHashesAreArgon2idInDovecotsFormatAndVerify() {
        String hash = Passwords.hash("s3cret Pässword");
        assertThat(hash).matches("\\{ARGON2ID}\\$argon2id\\$v=19\\$m=7168,t=5,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(Passwords.verify(hash, "s3cret Pässword")).isTrue();
        assertThat(Passwords.verify(hash, "s3cret Password")).isFalse();
        assertThat(Passwords.needsRehash(hash)).isFalse();
        assertThat(Passwords.hash("same")).isNotEqualTo(Passwords.hash("same"));
    }

    @Test
    void argon2idWithWeakerParametersNeedsRehash() {
        String weak = "{ARGON2ID}$argon2id$v=19$m=4096,t=1,p=1$QHhF+so8k0LmiaJSr1yUEA$R59ERWGYnDiCDZydMfbMzpDJNOhhaRbQ1CLSplXdXfA";
        assertThat(Passwords.needsRehash(weak)).isTrue();
        String moreMemoryFewerPasses = "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$QHhF+so8k0LmiaJSr1yUEA$R59ERWGYnDiCDZydMfbMzpDJNOhhaRbQ1CLSplXdXfA";
        assertThat(Passwords.needsRehash(moreMemoryFewerPasses)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''
            {PLAIN}hunter2
            {ARGON2ID
            {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$QHhF+so8k0Lmia!!r1yUEA$R59ERWGYnDiCDZydMfbMzpDJNOhhaRbQ1CLSplXdXfA
            {ARGON2ID}$argon2id$v=19$m=99999999,t=3,p=1$QHhF+so8k0LmiaJSr1yUEA$R59ERWGYnDiCDZydMfbMzpDJNOhhaRbQ1CLSplXdXfA
            {ARGON2ID}$argon2i$v=19$m=32768,t=4,p=1$Mej4lTJtlxlKBV98oMw3/w$ywQR0KV8ap4/uiuUouofWbsBJpCHNh3BEEGj05VmzmU
            {ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1
            {BLF-CRYPT}$2y$99$bhFFWNKRKTFHRdX9ng20IOuBW8M7hWRMPVfVDrxVIKWJybMOrs19K
            {BLF-CRYPT}$2y$05$bhFF
            {SHA512-CRYPT}$5$CfTxESq9OnxwE5W.$4Oa7fHV1P/LBTemOJYBymK93UnrBKyDfuyISuylzfw4
            {CRYPT}abJnggxhB/yWI
            {CRYPT}$1$abc$def
            garbage
            """)
    void malformedOrUnsupportedHashesNeverMatchAndNeverThrow(String hash) {
        assertThat(Passwords.verify(hash, "correct horse")).isFalse();
        assertThat(Passwords.verify(hash, "hunter2")).isFalse();
        assertThat(Passwords.needsRehash(hash)).isTrue();
    }

    @Test
    void nullsAreRejected() {
        assertThat(Passwords.verify(null, "x")).isFalse();
        assertThat(Passwords.verify(Passwords.hash("x"), null)).isFalse();
    }

    @Test
    void schemeIsReportedForAdminOutput() {
        assertThat(Passwords.schemeOf("{blf-crypt}$2y$05$x")).contains("BLF-CRYPT");
        assertThat(Passwords.schemeOf("$6$abc$def")).contains("SHA512-CRYPT");
        assertThat(Passwords.schemeOf("nope")).isEmpty();
    }

    /** Not a timing assertion: prints the cost so the choice documented on ARGON2_MEMORY_KIB can be rechecked. */
    @Test
    void hashCostIsMeasuredForTheRecord() {
        Passwords.hash("warm-up");
        int rounds = 3;
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            Passwords.hash("measure");
        }
        long perHashMs = (System.nanoTime() - start) / rounds / 1_000_000;
        System.out.println("Argon2id default cost: " + perHashMs + " ms per hash");
        assertThat(perHashMs).isNotNegative();
    }
}
