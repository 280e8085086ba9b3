package jotmai.message.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import jotmai.message.BodyPart;
import jotmai.message.BodyText;
import jotmai.message.HeaderDecoder;
import jotmai.message.HeaderField;
import jotmai.message.MessageParser;
import jotmai.message.ParsedMessage;
import jotmai.message.StructureCodec;

/**
 * Coverage-guided fuzzing of what delivery and SEARCH do with a message nobody vetted (issue 9).
 * Without JAZZER_FUZZ these replay the seeds under MessageStructureFuzzTestInputs/ as ordinary tests;
 * bench/fuzz.sh runs them for a chosen time.
 */
class MessageStructureFuzzTest {

    /** Longest text SEARCH pulls from one part here: enough to cross decoder buffer boundaries. */
    private static final int MAX_TEXT_CHARS = 64 * 1024;

    /**
     * Any octets parse (MessageParser only throws for I/O on the stream), the structure's offsets lie
     * inside the message and nest (BODY[n] / BODY[n.MIME] are served from them), and the stored form
     * decodes back to the same structure.
     */
    @FuzzTest(maxDuration = "10m")
    void anyMessageParsesIntoNestedOffsetsThatRoundTripThroughTheStoredForm(byte[] raw) throws IOException {
        ParsedMessage message = MessageParser.parse(new ByteArrayInputStream(raw));

        assertThat(message.size()).isEqualTo(raw.length);
        assertNested(message.body(), 0, raw.length);

        byte[] encoded = StructureCodec.encode(message);
        assertThat(StructureCodec.decode(encoded)).isEqualTo(message);

        // What SEARCH does with each part: decode headers and the body text (RFC 2047 / charsets).
        for (HeaderField field : message.headers()) {
            assertThat(HeaderDecoder.decode(field.value())).isNotNull();
        }
        readTextOfEveryPart(message.body(), raw);
    }

    /** Corrupt stored structures are refused with IllegalArgumentException, nothing else. */
    @FuzzTest(maxDuration = "10m")
    void aCorruptStoredStructureIsRefusedOnlyWithIllegalArgument(byte[] encoded) {
        try {
            ParsedMessage decoded = StructureCodec.decode(encoded);
            // whatever decodes must encode back to something that decodes the same
            assertThat(StructureCodec.decode(StructureCodec.encode(decoded))).isEqualTo(decoded);
        } catch (IllegalArgumentException expected) {
            // the documented refusal
        }
    }

    /**
     * Crashers found by fuzzing whose fix belongs in StructureCodec (main code, not ours): a corrupt
     * structure with a null list entry escapes as NullPointerException from List.copyOf in
     * StructureCodec$Reader.part (StructureCodec.java:280) instead of IllegalArgumentException.
     * Enable once StructureCodec refuses it.
     */
    @FuzzTest
    void knownCrashersOfTheStoredStructureDecoder(byte[] encoded) {
        aCorruptStoredStructureIsRefusedOnlyWithIllegalArgument(encoded);
    }

    /** RFC 2047 encoded words and raw 8-bit header text: decoding never throws and is deterministic. */
    @FuzzTest(maxDuration = "10m")
    void anyHeaderValueDecodesWithoutThrowing(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        String decoded = HeaderDecoder.decode(value);
        assertThat(decoded).isNotNull().isEqualTo(HeaderDecoder.decode(value));
        assertThatCode(() -> HeaderDecoder.decode(value, StandardCharsets.ISO_8859_1)).doesNotThrowAnyException();
        byte[] asLatin1 = value.getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HeaderDecoder.decode(new String(asLatin1, StandardCharsets.ISO_8859_1))).isNotNull();
    }

    private static void assertNested(BodyPart part, long from, long to) {
        assertThat(part.headerOffset()).as("header offset").isBetween(from, to);
        assertThat(part.bodyOffset()).as("body offset").isBetween(part.headerOffset(), to);
        assertThat(part.bodyLength()).as("body length").isBetween(0L, to - part.bodyOffset());
        long bodyEnd = part.bodyOffset() + part.bodyLength();
        long previousEnd = part.bodyOffset();
        for (BodyPart child : part.parts()) {
            assertNested(child, part.bodyOffset(), bodyEnd);
            assertThat(child.headerOffset()).as("children in order").isGreaterThanOrEqualTo(previousEnd);
            previousEnd = child.bodyOffset() + child.bodyLength();
        }
        if (part.message() != null) {
            assertNested(part.message().body(), part.bodyOffset(), bodyEnd);
        }
    }

    private static void readTextOfEveryPart(BodyPart part, byte[] raw) throws IOException {
        var body = new ByteArrayInputStream(raw, (int) part.bodyOffset(), (int) part.bodyLength());
        String text = BodyText.text(part, body, MAX_TEXT_CHARS);
        assertThat(text.length()).isLessThanOrEqualTo(MAX_TEXT_CHARS);
        for (BodyPart child : part.parts()) {
            readTextOfEveryPart(child, raw);
        }
        if (part.message() != null) {
            readTextOfEveryPart(part.message().body(), raw);
        }
    }
}
