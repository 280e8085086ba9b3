package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaslTest {

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainWithoutAuthzidDecodes() {
        // RFC 4616 §4 example: "\0tim\0tanstaaftanstaaf"
        Sasl.Plain p = Sasl.decodePlain("AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
        assertThat(p).isEqualTo(new Sasl.Plain("", "tim", "tanstaaftanstaaf"));
    }

    @Test
    void plainWithAuthzidEqualToAuthcidDecodes() {
        Sasl.Plain p = Sasl.decodePlain(b64("Alice@example.com\0alice@example.com\0pä ss"));
        assertThat(p.authcid()).isEqualTo("alice@example.com");
        assertThat(p.password()).isEqualTo("pä ss");
    }

    @Test
    void plainWithAnotherAuthzidIsRefused() {
        // RFC 4616 §4 example 2 asks to act as "Ursel": we allow no proxy authorization.
        assertThatThrownBy(() -> Sasl.decodePlain("VXJzZWwAS3VydAB4aXBqM3BsbQ=="))
                .isInstanceOf(SaslException.class).hasMessageContaining("authzid");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "=", "*", "not base64!", "AHRpbQB0YW5zdGFhZnRhbnN0YWFm=", "AHRpbQ", "dGlt",
            "AHRpbQA=", "AAB4", "AHRpbQB4AHk="})
    void malformedPlainResponsesAreRejected(String response) {
        assertThatThrownBy(() -> Sasl.decodePlain(response)).isInstanceOf(SaslException.class);
    }

    @Test
    void plainRejectsInvalidUtf8() {
        byte[] raw = {0, 't', 'i', 'm', 0, (byte) 0xC3, (byte) 0x28};
        assertThatThrownBy(() -> Sasl.decodePlain(Base64.getEncoder().encodeToString(raw)))
                .isInstanceOf(SaslException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void plainRejectsOverlongResponsesWithoutDecodingThem() {
        assertThatThrownBy(() -> Sasl.decodePlain("A".repeat(Sasl.MAX_RESPONSE_CHARS + 4)))
                .isInstanceOf(SaslException.class).hasMessageContaining("longer");
    }

    @Test
    void plainAccepts255OctetFieldsAsRfc4616Requires() {
        String u = "u".repeat(255);
        String pw = "p".repeat(255);
        assertThat(Sasl.decodePlain(b64(u + "\0" + u + "\0" + pw)).password()).isEqualTo(pw);
    }

    @Test
    void loginFieldsDecode() {
        assertThat(Sasl.decodeLogin(b64("alice@example.com"))).isEqualTo("alice@example.com");
        assertThat(Sasl.decodeLogin(" " + b64("sécret") + "\r\n")).isEqualTo("sécret");
        assertThat(Sasl.LOGIN_USERNAME_CHALLENGE).isEqualTo(b64("Username:"));
        assertThat(Sasl.LOGIN_PASSWORD_CHALLENGE).isEqualTo(b64("Password:"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "=", "%%%%", "YQ", "AA=="})
    void malformedLoginResponsesAreRejected(String response) {
        assertThatThrownBy(() -> Sasl.decodeLogin(response)).isInstanceOf(SaslException.class);
    }

    @Test
    void cancelIsRecognised() {
        assertThat(Sasl.isCancel("*")).isTrue();
        assertThat(Sasl.isCancel("*\r\n")).isTrue();
        assertThat(Sasl.isCancel("Kg==")).isFalse();
    }

    @Test
    void plainToStringHidesThePassword() {
        assertThat(new Sasl.Plain("", "a", "hunter2").toString()).doesNotContain("hunter2");
    }
}
