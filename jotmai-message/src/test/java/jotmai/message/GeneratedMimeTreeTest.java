package jotmai.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.stream.MimeConfig;
import org.junit.jupiter.api.Test;

/**
 * Builds random, valid MIME trees (multiparts, message/rfc822, text and binary leaves, CRLF or LF,
 * preambles and epilogues, Thai text) whose every part body is known, and checks that the parser finds
 * exactly that structure and that every offset slices out exactly the bytes that were written.
 */
class GeneratedMimeTreeTest {
    private static final int ROUNDS = 400;

    /** What was generated: the part's type and the exact bytes of its body. */
    private record Expected(String type, String subtype, byte[] body, List<Expected> children, Expected embedded) {}

    private static final class Generator {
        private final Random random;
        private final String newline;
        private int boundaries;

        Generator(Random random) {
            this.random = random;
            this.newline = random.nextInt(4) == 0 ? "\n" : "\r\n";
        }

        /** Writes header + blank line + body of one entity to out and returns what is expected. */
        Expected entity(ByteArrayOutputStream out, int depth) {
            int kind = depth >= 4 ? 0 : random.nextInt(depth == 0 ? 3 : 5);
            if (random.nextBoolean()) {
                line(out, "X-Noise: " + text(20));
            }
            return switch (kind) {
                case 1, 3 -> multipart(out, depth);
                case 2 -> message(out, depth);
                default -> leaf(out);
            };
        }

        private Expected leaf(ByteArrayOutputStream out) {
            String subtype = random.nextBoolean() ? "plain" : "html";
            boolean binary = random.nextInt(4) == 0;
            boolean quotedPrintable = !binary && random.nextInt(3) == 0;
            if (binary) {
                line(out, "Content-Type: application/octet-stream");
                line(out, "Content-Transfer-Encoding: base64");
            } else {
                line(out, "Content-Type: text/" + subtype + "; charset=utf-8");
                if (quotedPrintable) {
                    line(out, "Content-Transfer-Encoding: quoted-printable");
                }
            }
            out.writeBytes(bytes(newline));
            StringBuilder body = new StringBuilder();
            int lines = random.nextInt(5);
            for (int i = 0; i < lines; i++) {
                if (i > 0) {
                    body.append(newline);
                }
                body.append(binary ? "QUJDREVGR0hJ" : quotedPrintable ? "caf=C3=A9 =E0=B8=81 soft=" : text(random.nextInt(60)));
            }
            if (lines > 0 && random.nextBoolean()) {
                body.append(newline); // a body may end with its own line break
            }
            byte[] content = bytes(body.toString());
            out.writeBytes(content);
            return binary ? new Expected("application", "octet-stream", content, List.of(), null)
                    : new Expected("text", subtype, content, List.of(), null);
        }

        private Expected multipart(ByteArrayOutputStream out, int depth) {
            String boundary = "=_b" + boundaries++ + "_" + random.nextInt(1000);
            String subtype = random.nextBoolean() ? "mixed" : "alternative";
            line(out, "Content-Type: multipart/" + subtype + ";");
            line(out, " boundary=\"" + boundary + "\"");
            out.writeBytes(bytes(newline));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (random.nextBoolean()) {
                line(body, "This is a multi-part message in MIME format.");
            }
            List<Expected> children = new ArrayList<>();
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                line(body, "--" + boundary + (random.nextInt(5) == 0 ? "  " : ""));
                children.add(entity(body, depth + 1));
                body.writeBytes(bytes(newline));
            }
            body.writeBytes(bytes("--" + boundary + "--"));
            if (random.nextBoolean()) {
                body.writeBytes(bytes(newline + "epilogue " + text(10)));
            }
            byte[] bytes = body.toByteArray();
            out.writeBytes(bytes);
            return new Expected("multipart", subtype, bytes, children, null);
        }

        private Expected message(ByteArrayOutputStream out, int depth) {
            line(out, "Content-Type: message/rfc822");
            out.writeBytes(bytes(newline));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            line(body, "From: Inner " + depth + " <inner@example.com>");
            line(body, "Subject: =?UTF-8?B?4LiX4LiU4Liq4Lit4Lia?=");
            Expected inner = entity(body, depth + 1);
            byte[] bytes = body.toByteArray();
            out.writeBytes(bytes);
            return new Expected("message", "rfc822", bytes, List.of(), inner);
        }

        private void line(ByteArrayOutputStream out, String text) {
            out.writeBytes(bytes(text + newline));
        }

        private String text(int length) {
            String alphabet = "abc XYZ:;-=?สวัสดีครับ\t0123";
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return s.toString().startsWith("-") ? "x" + s : s.toString();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void randomValidTreesParseToExactlyTheGeneratedPartsAndOffsets() throws IOException {
        Random random = new Random(7_2026L);
        for (int round = 0; round < ROUNDS; round++) {
            Generator generator = new Generator(random);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            generator.line(out, "From: Outer <outer@example.com>");
            generator.line(out, "Subject: round " + round);
            Expected expected = generator.entity(out, 0);
            byte[] raw = out.toByteArray();

            ParsedMessage parsed = MessageParser.parse(new ByteArrayInputStream(raw));

            assertThat(parsed.size()).isEqualTo(raw.length);
            assertThat(parsed.envelope().subject()).isEqualTo("round " + round);
            compare(raw, parsed.body(), expected, "round " + round + " part TEXT");
            compareWithMime4j(raw, parsed.body(), mime4j(raw), "round " + round);
        }
    }

    // ---- differential check against an independent parser (mime4j, test scope only) -----------

    private static Entity mime4j(byte[] raw) throws IOException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(MimeConfig.PERMISSIVE);
        builder.setDecodeMonitor(DecodeMonitor.SILENT);
        return builder.parseMessage(new ByteArrayInputStream(raw));
    }

    /**
     * Same tree shape and media types as mime4j, and for every leaf the same decoded content octets
     * (our offsets + BodyText.decodePart against mime4j's decoded body; line ends normalised, since
     * quoted-printable hard breaks are canonical CRLF for us).
     */
    private static void compareWithMime4j(byte[] raw, BodyPart ours, Entity theirs, String where)
            throws IOException {
        assertThat((ours.type() + "/" + ours.subtype()).toLowerCase(java.util.Locale.ROOT)).as(where)
                .isEqualTo(theirs.getMimeType());
        Body body = theirs.getBody();
        if (body instanceof Multipart multipart) {
            assertThat(ours.parts()).as(where).hasSameSizeAs(multipart.getBodyParts());
            for (int i = 0; i < ours.parts().size(); i++) {
                compareWithMime4j(raw, ours.parts().get(i), multipart.getBodyParts().get(i), where + "." + (i + 1));
            }
        } else if (body instanceof Message message) {
            assertThat(ours.message()).as(where).isNotNull();
            compareWithMime4j(raw, ours.message().body(), message, where + " (embedded)");
        } else if (body instanceof SingleBody single) {
            byte[] slice = Arrays.copyOfRange(raw, (int) ours.bodyOffset(), (int) (ours.bodyOffset() + ours.bodyLength()));
            byte[] decoded = BodyText.decodePart(ours, new ByteArrayInputStream(slice)).readAllBytes();
            byte[] expected;
            try (var in = single.getInputStream()) {
                expected = in.readAllBytes();
            }
            String theirText = lf(expected);
            if (ours.encoding().equalsIgnoreCase("quoted-printable") && theirText.endsWith("=")) {
                // A body ending in "=" right before the delimiter: the CRLF after it belongs to the
                // delimiter (RFC 2046 §5.1.1), so the "=" is a soft line break (RFC 2045 §6.7 rule 5)
                // meaning "no final line break". mime4j keeps it literally; we drop it deliberately.
                theirText = theirText.substring(0, theirText.length() - 1);
            }
            assertThat(lf(decoded)).as(where).isEqualTo(theirText);
        }
    }

    private static String lf(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static void compare(byte[] raw, BodyPart actual, Expected expected, String where) {
        assertThat(actual.type()).as(where).isEqualTo(expected.type());
        assertThat(actual.subtype()).as(where).isEqualTo(expected.subtype());
        byte[] slice = Arrays.copyOfRange(raw, (int) actual.bodyOffset(),
                (int) (actual.bodyOffset() + actual.bodyLength()));
        assertThat(new String(slice, StandardCharsets.UTF_8)).as(where)
                .isEqualTo(new String(expected.body(), StandardCharsets.UTF_8));
        assertThat(actual.parts()).as(where).hasSameSizeAs(expected.children());
        for (int i = 0; i < expected.children().size(); i++) {
            compare(raw, actual.parts().get(i), expected.children().get(i), where + "." + (i + 1));
        }
        if (expected.embedded() != null) {
            assertThat(actual.message()).as(where).isNotNull();
            assertThat(actual.message().envelope().subject()).isEqualTo("=?UTF-8?B?4LiX4LiU4Liq4Lit4Lia?=");
            compare(raw, actual.message().body(), expected.embedded(), where + " (embedded)");
        }
    }
}
