package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.message.BodyPart;
import jotmai.message.BodyText;
import jotmai.message.HeaderDecoder;
import jotmai.message.HeaderField;
import jotmai.message.ParsedMessage;
import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;

/**
 * {@link jotmai.store.MailStore#searchText}: the text index answers exactly what the SEARCH scan
 * (RFC 9051 §6.4.4, case-insensitive substring on decoded text) would, for every charset and encoding,
 * shares the text of copies, forgets expunged messages, and declines needles it cannot answer.
 */
public interface SearchTextContract extends StoreFixture {

    /** How long a backend that indexes after commit may take to cover a handful of new messages. */
    long INDEX_WAIT_MS = 20_000;

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    private static String b64(byte[] bytes) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes) + "\r\n";
    }

    /** Messages in the encodings and charsets mail uses, Thai (UTF-8 and TIS-620) included. */
    static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        out.add(crlf("""
                From: Alice <alice@example.org>
                Subject: Budget review
                Content-Type: text/plain; charset=us-ascii

                Hello World of Budgets, 100% sure: a_b.
                """).getBytes(StandardCharsets.US_ASCII));
        out.add((crlf("""
                From: =?UTF-8?B?4Liq4Lih4LiK4Liy4Lii?= <somchai@example.th>
                Subject: =?UTF-8?B?w5xuw69jb2RlIFN0cmHDn2U=?=
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: base64

                """) + b64("สวัสดีครับ กระเป๋าเดินทาง ของผม\r\nStraße ÜBER\r\n".getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.US_ASCII));
        out.add((crlf("""
                From: bob@example.th
                Subject: tis
                Content-Type: text/plain; charset=TIS-620
                Content-Transfer-Encoding: base64

                """) + b64("นัดประชุม กระเป๋าใบใหม่\r\n".getBytes(Charset.forName("TIS-620"))))
                .getBytes(StandardCharsets.US_ASCII));
        out.add(crlf("""
                From: carol@example.fr
                Subject: menu
                Content-Type: text/plain; charset=iso-8859-1
                Content-Transfer-Encoding: quoted-printable

                Caf=E9 cr=E8me br=FBl=E9e, soft line=
                 break here
                """).getBytes(StandardCharsets.US_ASCII));
        out.add(crlf("""
                From: dave@example.org
                Subject: parts
                Content-Type: multipart/alternative; boundary="b1"

                --b1
                Content-Type: text/plain; charset=utf-8

                first partone
                --b1
                Content-Type: text/html; charset=utf-8

                <p>parttwo second</p>
                --b1--
                """).getBytes(StandardCharsets.US_ASCII));
        out.add((crlf("""
                From: erin@example.org
                Subject: attachment
                Content-Type: multipart/mixed; boundary="b2"

                --b2
                Content-Type: text/plain

                see the file
                --b2
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                """) + b64("binaryattachmentword".getBytes(StandardCharsets.US_ASCII)) + crlf("""
                --b2
                Content-Type: message/rfc822

                Subject: innersubject
                Content-Type: text/plain

                innerword body
                --b2--
                """)).getBytes(StandardCharsets.US_ASCII));
        return out;
    }

    List<String> NEEDLES = List.of("world", "WORLD", "budget", "BUDGETS", "hello world", "100% sure", "a_b", "%",
            "กระเป๋า", "กระเป๋าเดินทาง", "ประชุม", "café", "CAFÉ CRÈME", "linebreak", "line break", "straße",
            "STRASSE", "ünïcode", "über", "partone", "parttwo", "one\r\n--", "binaryattachmentword",
            "innerword", "innersubject", "subject: budget", "subject: ünï", "alice", "somchai", "สมชาย",
            "nothing-like-this", "Wo", "ab");

    /** Waits until the backend's index covers every message of the mailbox (bounded). */
    default void awaitIndexed(Mailbox mailbox) {
        long deadline = System.currentTimeMillis() + INDEX_WAIT_MS;
        while (true) {
            TextMatches m = mail().searchText(mailbox.id(), TextField.ALL, "zzz-never-there").orElseThrow();
            if (m.unverified().isEmpty()) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("index covers new messages within %d ms", INDEX_WAIT_MS)
                    .isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private Mailbox filledInbox() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        for (byte[] m : corpus()) {
            mail().append(inbox.id(), MessageSource.ofBytes(m), Set.of(), StoreFixture.date());
        }
        awaitIndexed(inbox);
        return inbox;
    }

    @Test
    default void indexAnswersEveryFieldExactlyAsTheDecodedTextScanDoes() {
        Mailbox inbox = filledInbox();
        List<MessageMeta> messages = mail().messages(inbox.id());
        for (String needle : NEEDLES) {
            for (TextField field : TextField.values()) {
                Optional<TextMatches> result = mail().searchText(inbox.id(), field, needle);
                if (needle.codePointCount(0, needle.length()) < 3) {
                    assertThat(result).as("needle %s is too short for a trigram index", needle).isEmpty();
                    continue;
                }
                List<Long> expected = new ArrayList<>();
                for (MessageMeta m : messages) {
                    if (scanMatches(m, field, needle)) {
                        expected.add(m.uid());
                    }
                }
                assertThat(result).as("needle %s in %s", needle, field).isPresent();
                assertThat(result.get().unverified()).isEqualTo(UidSet.EMPTY);
                assertThat(result.get().matches().stream().boxed().toList())
                        .as("needle '%s' in %s", needle, field).isEqualTo(expected);
            }
        }
    }

    @Test
    default void indexFindsThaiInUtf8AndTis620BodiesAndEncodedHeaders() {
        Mailbox inbox = filledInbox();
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "กระเป๋า").orElseThrow().matches())
                .isEqualTo(UidSet.of(2, 3));
        assertThat(mail().searchText(inbox.id(), TextField.HEADERS, "สมชาย").orElseThrow().matches())
                .isEqualTo(UidSet.of(2));
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "CAFÉ").orElseThrow().matches())
                .isEqualTo(UidSet.of(4));
    }

    @Test
    default void copiesShareTheirTextAndExpungedMessagesVanishFromResults() {
        Mailbox inbox = filledInbox();
        Mailbox other = mail().createMailbox(inbox.accountId(), "Other", Optional.empty());
        mail().copy(inbox.id(), UidSet.of(1), other.id());
        awaitIndexed(other);
        assertThat(mail().searchText(other.id(), TextField.BODY, "budgets").orElseThrow().matches())
                .isEqualTo(UidSet.of(1));
        mail().updateFlags(inbox.id(), UidSet.of(1), jotmai.store.FlagOperation.ADD, Set.of("\\Deleted"),
                java.util.OptionalLong.empty());
        mail().expunge(inbox.id(), Optional.empty());
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "budgets").orElseThrow().matches())
                .isEqualTo(UidSet.EMPTY);
        assertThat(mail().searchText(other.id(), TextField.BODY, "budgets").orElseThrow().matches())
                .isEqualTo(UidSet.of(1));
    }

    @Test
    default void needlesTheIndexCannotAnswerAreDeclined() {
        Mailbox inbox = filledInbox();
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "ab")).isEmpty();
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "")).isEmpty();
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "one\uFFFFtwo")).isEmpty();
        assertThat(mail().searchText(inbox.id(), TextField.BODY, "a\u0000bc")).isEmpty();
    }

    @Test
    default void searchingAnUnknownMailboxIsNotFound() {
        assertThatThrownBy(() -> mail().searchText(Long.MAX_VALUE / 2, TextField.BODY, "hello"))
                .isInstanceOf(StoreException.NotFound.class);
    }

    /** The reference: what IMAP SEARCH's scan compares, streamed part by part (BodyText). */
    private boolean scanMatches(MessageMeta meta, TextField field, String needle) {
        ParsedMessage message = mail().structure(meta.blob());
        boolean headers = false;
        if (field != TextField.BODY) {
            for (HeaderField h : message.headers()) {
                headers |= BodyText.containsIgnoreCase(h.name() + ": " + HeaderDecoder.decode(h.value()), needle);
            }
        }
        return headers || field != TextField.HEADERS && bodyMatches(meta, message.body(), needle);
    }

    private boolean bodyMatches(MessageMeta meta, BodyPart part, String needle) {
        if (part.isMultipart()) {
            return part.parts().stream().anyMatch(p -> bodyMatches(meta, p, needle));
        }
        if (part.type().equalsIgnoreCase("message") && part.message() != null) {
            return bodyMatches(meta, part.message().body(), needle);
        }
        if (!part.type().equalsIgnoreCase("text") || !BodyText.knowsEncoding(part)) {
            return false;
        }
        try (InputStream raw = mail().openContent(meta.blob(), part.bodyOffset(), part.bodyLength())) {
            return BodyText.containsIgnoreCase(part, raw, needle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
