package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.message.ParsedMessage;
import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.BlobRef;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * Reading stored messages back through {@link jotmai.store.MailStore}: whole, in byte ranges, as MIME
 * parts from the parsed structure, streamed with {@code transferTo}, and several at once. Every backend
 * runs it as part of {@link MessageContract}.
 */
public interface MessageContentContract extends StoreFixture {

    @Test
    default void appendStoresTheBytesMetadataAndParsedStructure() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        byte[] raw = StoreFixture.message("structure");
        Instant date = StoreFixture.date();
        AppendResult r = mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of("\\Flagged"), date);
        MessageMeta meta = r.meta();
        assertThat(meta.size()).isEqualTo(raw.length);
        assertThat(meta.internalDate()).isEqualTo(date);
        assertThat(meta.saveDate()).isNotNull();
        assertThat(meta.flags()).containsExactly("\\Flagged");
        assertThat(meta.uid()).isEqualTo(r.uid());
        assertThat(meta.modSeq()).isEqualTo(r.modSeq());
        assertThat(mail().messages(inbox.id())).containsExactly(meta);
        assertThat(content(meta.blob())).isEqualTo(raw);

        ParsedMessage parsed = mail().structure(meta.blob());
        assertThat(parsed.size()).isEqualTo(raw.length);
        assertThat(parsed.envelope().subject()).contains("structure");
        assertThat(parsed.body().subtype()).isEqualToIgnoringCase("plain");
        long bodyOffset = parsed.body().bodyOffset();
        assertThat(new String(content(meta.blob(), bodyOffset, Long.MAX_VALUE), StandardCharsets.US_ASCII))
                .isEqualTo("Hello structure\r\n");
    }

    @Test
    default void eachMimePartCanBeReadFromItsStoredOffsets() {
        Account a = newAccount();
        String raw = "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
                + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "AAECAwQ=\r\n--b1--\r\n";
        byte[] bytes = raw.getBytes(StandardCharsets.US_ASCII);
        BlobRef blob = mail().append(inbox(a).id(), MessageSource.ofBytes(bytes), Set.of(), StoreFixture.date())
                .meta().blob();
        ParsedMessage parsed = mail().structure(blob);
        assertThat(parsed.body().isMultipart()).isTrue();
        assertThat(parsed.body().parts()).hasSize(2);
        var first = parsed.body().parts().get(0);
        var second = parsed.body().parts().get(1);
        assertThat(new String(content(blob, first.bodyOffset(), first.bodyLength()), StandardCharsets.US_ASCII))
                .isEqualTo("first part");
        assertThat(new String(content(blob, second.bodyOffset(), second.bodyLength()), StandardCharsets.US_ASCII))
                .isEqualTo("AAECAwQ=");
        assertThat(new String(content(blob, second.headerOffset(), second.bodyOffset() - second.headerOffset()),
                StandardCharsets.US_ASCII)).startsWith("Content-Type: application/octet-stream");
    }

    @Test
    default void appendFromAStagedFileStoresTheFileBytes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Account a = newAccount();
        byte[] raw = StoreFixture.message("from file");
        java.nio.file.Path staged = java.nio.file.Files.write(dir.resolve("staged.eml"), raw);
        AppendResult r = mail().append(inbox(a).id(), MessageSource.ofFile(staged), Set.of(), StoreFixture.date());
        assertThat(content(r.meta().blob())).isEqualTo(raw);
    }

    @Test
    default void byteRangesAreClippedToTheMessageSize() {
        Account a = newAccount();
        byte[] raw = StoreFixture.message("ranges");
        BlobRef blob = mail().append(inbox(a).id(), MessageSource.ofBytes(raw), Set.of(), StoreFixture.date())
                .meta().blob();
        assertThat(content(blob, 0, 4)).isEqualTo(Arrays.copyOfRange(raw, 0, 4));
        assertThat(content(blob, 6, 5)).isEqualTo(Arrays.copyOfRange(raw, 6, 11));
        assertThat(content(blob, raw.length - 3, 100)).isEqualTo(Arrays.copyOfRange(raw, raw.length - 3, raw.length));
        assertThat(content(blob, raw.length + 10, 5)).isEmpty();
        assertThat(content(blob, 0, 0)).isEmpty();
    }

    @Test
    default void aLargeMessageIsReadBackExactlyAlsoInRangesAcrossInternalBoundaries() {
        Account a = newAccount();
        byte[] header = "Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[header.length + 1_000_000];
        System.arraycopy(header, 0, raw, 0, header.length);
        for (int i = header.length; i < raw.length; i++) {
            raw[i] = (byte) ((i % 76 == 75) ? '\n' : 'a' + (i % 26));
        }
        BlobRef blob = mail().append(inbox(a).id(), MessageSource.ofBytes(raw), Set.of(), StoreFixture.date())
                .meta().blob();
        assertThat(content(blob)).isEqualTo(raw);
        for (long offset : new long[] {65_530, 131_070, 500_000, raw.length - 10}) {
            assertThat(content(blob, offset, 20)).as("offset %d", offset)
                    .isEqualTo(Arrays.copyOfRange(raw, (int) offset, (int) Math.min(raw.length, offset + 20)));
        }
    }

    @Test
    default void transferToWritesExactlyTheBytesOfALargeMessageAndOfRangesAcrossInternalBoundaries()
            throws IOException {
        Account a = newAccount();
        byte[] raw = new byte[700_001];
        byte[] header = "Subject: transfer\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < raw.length; i++) {
            raw[i] = i < header.length ? header[i] : (byte) ((i % 76 == 75) ? '\n' : 'A' + (i % 23));
        }
        BlobRef blob = mail().append(inbox(a).id(), MessageSource.ofBytes(raw), Set.of(), StoreFixture.date())
                .meta().blob();
        long[][] ranges = {{0, Long.MAX_VALUE}, {1, 300_000}, {16_383, 16_386}, {262_143, 2}, {699_999, 50}};
        for (long[] r : ranges) {
            int from = (int) r[0];
            int to = (int) Math.min(raw.length, r[0] + Math.min(r[1], raw.length));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (InputStream in = mail().openContent(blob, r[0], r[1])) {
                out.write(in.readNBytes(3)); // a caller may read a little first, then transfer the rest
                long rest = to - from - out.size();
                assertThat(in.transferTo(out)).isEqualTo(rest);
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(out.toByteArray()).as("range %d+%d", r[0], r[1]).isEqualTo(Arrays.copyOfRange(raw, from, to));
        }
    }

    @Test
    default void readContentsReturnsTheWholeBytesOfSeveralMessagesAndLeavesOutUnknownOnes() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        byte[] big = new byte[300 * 1024 + 17]; // several chunks on every backend
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        MessageMeta one = append(inbox, "one").meta();
        MessageMeta two = mail().append(inbox.id(), MessageSource.ofBytes(big), Set.of(), StoreFixture.date()).meta();
        BlobRef unknown = new BlobRef("999999999");
        var contents = mail().readContents(List.of(one.blob(), unknown, two.blob()));
        assertThat(contents).containsOnlyKeys(one.blob(), two.blob());
        assertThat(contents.get(one.blob())).isEqualTo(content(one.blob()));
        assertThat(contents.get(two.blob())).isEqualTo(big);
        assertThat(mail().readContents(List.of())).isEmpty();
    }

    @Test
    default void readContentsReadsABatchOfManyMessagesWithRepeatsAndIdsThatWereNeverIssued() {
        Account a = newAccount();
        Mailbox inbox = inbox(a);
        List<BlobRef> batch = new java.util.ArrayList<>();
        List<byte[]> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] raw = ("Subject: batch " + i + "\r\n\r\n" + "line of text\r\n".repeat(i * 40)).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
            batch.add(mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of(), StoreFixture.date()).meta().blob());
            expected.add(raw);
        }
        List<BlobRef> asked = new java.util.ArrayList<>(batch);
        asked.add(batch.get(3)); // the same message twice
        asked.add(new BlobRef("0".repeat(64)));
        asked.add(new BlobRef("not a blob id"));
        var contents = mail().readContents(asked);
        assertThat(contents).containsOnlyKeys(batch);
        for (int i = 0; i < batch.size(); i++) {
            assertThat(contents.get(batch.get(i))).as("message %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    default void unknownContentIsNotFound() {
        assertThatThrownBy(() -> mail().openContent(new BlobRef("999999999"))).isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> mail().structure(new BlobRef("no-such-blob"))).isInstanceOf(StoreException.NotFound.class);
    }
}
