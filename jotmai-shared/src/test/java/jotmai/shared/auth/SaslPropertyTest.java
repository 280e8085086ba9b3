package jotmai.shared.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Random and mutated inputs for the SASL decoders (a seeded stand-in until the Jazzer targets of
 * issue 9 exist): the only exception that may escape is {@link SaslException}, and whatever decodes
 * re-encodes to the same response.
 */
class SaslPropertyTest {
    private static final int ROUNDS = 20_000;

    @Test
    void randomBase64NeverEscapesWithAnythingButSaslException() {
        Random random = new Random(4616);
        for (int i = 0; i < ROUNDS; i++) {
            byte[] raw = new byte[random.nextInt(64)];
            random.nextBytes(raw);
            for (int j = 0; j < raw.length; j++) {
                if (random.nextInt(6) == 0) {
                    raw[j] = 0;
                }
            }
            String b64 = Base64.getEncoder().encodeToString(raw);
            try {
                Sasl.Plain p = Sasl.decodePlain(b64);
                assertThat(p.authcid()).isNotEmpty().doesNotContain("\0");
                assertThat(p.password()).isNotEmpty().doesNotContain("\0");
                String again = p.authzid() + "\0" + p.authcid() + "\0" + p.password();
                assertThat(again.getBytes(StandardCharsets.UTF_8)).isEqualTo(raw);
            } catch (SaslException expected) {
                // malformed: fine
            }
            try {
                String field = Sasl.decodeLogin(b64);
                assertThat(field.getBytes(StandardCharsets.UTF_8)).isEqualTo(raw);
            } catch (SaslException expected) {
                // malformed: fine
            }
        }
    }

    @Test
    void randomTextNeverEscapesWithAnythingButSaslException() {
        Random random = new Random(4954);
        String alphabet = "ABCxyz019+/=*- \t\r\n\0é";
        for (int i = 0; i < ROUNDS; i++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(40);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                Sasl.decodePlain(b.toString());
            } catch (SaslException expected) {
                // malformed: fine
            }
            try {
                Sasl.decodeLogin(b.toString());
            } catch (SaslException expected) {
                // malformed: fine
            }
        }
    }
}
