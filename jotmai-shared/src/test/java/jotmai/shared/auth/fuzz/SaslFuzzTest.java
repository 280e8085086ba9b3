package jotmai.shared.auth.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import jotmai.shared.auth.Sasl;
import jotmai.shared.auth.SaslException;

/**
 * Coverage-guided fuzzing of the SASL decoders every protocol feeds with client text before
 * authentication (issue 9). Seeds: SaslFuzzTestInputs/; bench/fuzz.sh fuzzes.
 */
class SaslFuzzTest {

    /**
     * RFC 4616 §2: any client line either decodes to a PLAIN triple that re-encodes to an equivalent
     * response, or is refused with SaslException (what SMTP/IMAP/POP3 turn into 501/BAD/-ERR).
     */
    @FuzzTest(maxDuration = "10m")
    void plainResponsesDecodeToTriplesThatReEncodeOrAreRefusedWithSaslException(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        Sasl.Plain plain;
        try {
            plain = Sasl.decodePlain(line);
        } catch (SaslException refused) {
            return;
        }
        assertThat(plain.authcid()).isNotEmpty().doesNotContain("\0");
        assertThat(plain.password()).isNotEmpty().doesNotContain("\0");
        assertThat(plain.authzid().isEmpty() || plain.authzid().equalsIgnoreCase(plain.authcid())).isTrue();
        String again = Sasl.encode(plain.authzid() + "\0" + plain.authcid() + "\0" + plain.password());
        assertThat(Sasl.decodePlain(again)).isEqualTo(plain);
    }

    /** LOGIN: decoded text has no NUL, is not empty, and survives encode/decode unchanged. */
    @FuzzTest(maxDuration = "10m")
    void loginResponsesDecodeToTextThatReEncodesOrAreRefusedWithSaslException(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        String text;
        try {
            text = Sasl.decodeLogin(line);
        } catch (SaslException refused) {
            return;
        }
        assertThat(text).isNotEmpty().doesNotContain("\0");
        assertThat(Sasl.decodeLogin(Sasl.encode(text))).isEqualTo(text);
    }

    /** What a real client sends (base64 of UTF-8 fields) decodes to exactly those fields. */
    @FuzzTest(maxDuration = "10m")
    void wellFormedPlainResponsesDecodeToTheFieldsTheClientSent(FuzzedDataProvider data) {
        String user = data.consumeString(100);
        String password = data.consumeRemainingAsString();
        boolean valid = !user.isEmpty() && !password.isEmpty() && !user.contains("\0") && !password.contains("\0")
                && isRoundTripUtf8(user) && isRoundTripUtf8(password)
                && user.getBytes(StandardCharsets.UTF_8).length <= Sasl.MAX_FIELD_OCTETS
                && password.getBytes(StandardCharsets.UTF_8).length <= Sasl.MAX_FIELD_OCTETS
                && Sasl.encode("\0" + user + "\0" + password).length() <= Sasl.MAX_RESPONSE_CHARS;
        if (!valid) {
            return;
        }
        Sasl.Plain plain = Sasl.decodePlain(Sasl.encode("\0" + user + "\0" + password));
        assertThat(plain).isEqualTo(new Sasl.Plain("", user, password));
    }

    private static boolean isRoundTripUtf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
    }
}
