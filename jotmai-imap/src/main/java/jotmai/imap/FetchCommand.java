package jotmai.imap;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.Dates;
import jotmai.imap.protocol.FetchItem;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.ResponseWriter;
import jotmai.message.BodyPart;
import jotmai.message.BodyText;
import jotmai.message.ParsedMessage;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.Flags;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/**
 * FETCH and UID FETCH (RFC 9051 §6.4.5, §7.5.2; RFC 3516 BINARY). Metadata comes from the store in
 * batches; ENVELOPE and BODYSTRUCTURE from the parse-once structure; sections are streamed from the
 * stored bytes by offset and length (never the whole message for a part).
 */
final class FetchCommand {
    /** Messages per store call. */
    static final int BATCH = 500;
    /** Decoded BINARY content above this size is spooled to a temporary file. */
    static final int BINARY_MEMORY_LIMIT = 1024 * 1024;

    private final SessionContext ctx;
    private final ChangeSync sync;
    private final ResponseWriter out;
    private final StructureWriter structures;
    private final FlagFetch flagFetch;

    FetchCommand(SessionContext ctx, ChangeSync sync) {
        this.ctx = ctx;
        this.sync = sync;
        this.out = ctx.out;
        this.structures = new StructureWriter(ctx.out);
        this.flagFetch = new FlagFetch(ctx, sync);
    }

    Outcome fetch(SessionState.Selected session, Command.Fetch command) {
        MailboxView view = session.view();
        UidSet uids = view.resolve(command.set(), command.uid());
        List<FetchItem> items = new ArrayList<>(command.items());
        if ((command.uid() || ctx.qresync()) && items.stream().noneMatch(i -> i instanceof FetchItem.Uid)) {
            items.add(0, new FetchItem.Uid()); // RFC 9051 §6.4.8; RFC 7162 §3.2.4 once QRESYNC is enabled
        }
        // RFC 7162 §3.1.4: CHANGEDSINCE implies MODSEQ; either enables CONDSTORE (§3.1)
        if (command.changedSince().isPresent() && items.stream().noneMatch(i -> i instanceof FetchItem.ModSeq)) {
            items.add(new FetchItem.ModSeq());
        }
        if (items.stream().anyMatch(i -> i instanceof FetchItem.ModSeq)) {
            ctx.enableCondstore();
        }
        if (command.vanished()) {
            if (!ctx.qresync()) {
                throw new ImapException.Bad("VANISHED needs ENABLE QRESYNC"); // RFC 7162 §3.2.6
            }
            new Resync(ctx, sync).vanishedSince(view, command.set(), command.changedSince().getAsLong());
        }
        long changedSince = command.changedSince().orElse(-1);
        boolean needsStructure = items.stream().anyMatch(i -> i instanceof FetchItem.Envelope
                || i instanceof FetchItem.Structure || i instanceof FetchItem.BodySection
                || i instanceof FetchItem.Binary || i instanceof FetchItem.BinarySize || i instanceof FetchItem.Rfc822);
        // issue 4: answer from the rows the view already has (MessageMetas) after bringing it up to date;
        // the sync is free when no commit touched the mailbox since the last one, and writes what the
        // sync before the tagged completion would have written (EXPUNGE stays withheld, RFC 9051 §7.4.1)
        boolean fromView = !FlagFetch.answers(items) && !PrivateSeen.applies(view);
        if (fromView) {
            sync.sync(view, false);
        }
        Set<Long> seenNow = new HashSet<>();
        if (!view.readOnly && view.rights.has('s') && !uids.isEmpty() && items.stream().anyMatch(FetchItem::setsSeen)) {
            if (PrivateSeen.applies(view)) {
                // issue 7: the reader's own \Seen on another user's mailbox
                for (jotmai.store.SeenMark m : ctx.seen.setSeen(view, uids, true, OptionalLong.empty()).updated()) {
                    seenNow.add(m.uid());
                    view.ownFlagChanges.put(m.uid(), m.modSeq());
                }
            } else {
                FlagResult r = ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.ADD, Set.of(Flags.SEEN),
                        OptionalLong.empty());
                for (MessageMeta m : r.updated()) {
                    seenNow.add(m.uid());
                    view.ownFlagChanges.put(m.uid(), m.modSeq());
                    view.rememberMeta(m);
                }
            }
        }
        if (seenNow.isEmpty() && FlagFetch.answers(items)) {
            flagFetch.write(view, uids, items, changedSince); // issue 4: FETCH 1:* (FLAGS) from flag rows
            return Outcome.of(session);
        }
        boolean hasFlags = items.stream().anyMatch(i -> i instanceof FetchItem.Flags);
        boolean hasThreadId = items.stream().anyMatch(i -> i instanceof FetchItem.ThreadId);
        List<Long> all = new ArrayList<>();
        uids.stream().forEach(all::add);
        for (int from = 0; from < all.size(); from += BATCH) {
            List<Long> batch = all.subList(from, Math.min(all.size(), from + BATCH));
            // RFC 8474 §5.2: one store read per batch for the thread ids
            Map<Long, Long> threads = hasThreadId ? ctx.mail.threadIds(view.mailboxId, UidSet.of(batch)) : Map.of();
            for (MessageMeta meta : fromView ? rows(view, batch) : ctx.seen.messages(view, UidSet.of(batch))) {
                int seq = view.seqOf(meta.uid());
                if (seq == 0 || meta.modSeq() <= changedSince) {
                    continue;
                }
                ParsedMessage structure = needsStructure ? ctx.mail.structure(meta.blob()) : null;
                boolean addFlags = !hasFlags && seenNow.contains(meta.uid());
                writeMessage(view, seq, meta, structure, items, addFlags, threads.get(meta.uid()));
            }
        }
        return Outcome.of(session);
    }

    /**
     * The rows of {@code batch} (ascending UIDs) in UID order: those the view remembers, the others read
     * in one store call and remembered. A UID whose expunge the view has seen but not announced gets no
     * row, as a read would return none for it.
     */
    private List<MessageMeta> rows(MailboxView view, List<Long> batch) {
        List<Long> missing = new ArrayList<>();
        for (long uid : batch) {
            if (view.knownMeta(uid) == null && !view.pendingExpunges.contains(uid)) {
                missing.add(uid);
            }
        }
        Map<Long, MessageMeta> read = new HashMap<>();
        if (!missing.isEmpty()) {
            for (MessageMeta m : ctx.mail.messages(view.mailboxId, UidSet.of(missing))) {
                read.put(m.uid(), m);
                view.rememberMeta(m);
            }
        }
        List<MessageMeta> out = new ArrayList<>(batch.size());
        for (long uid : batch) {
            MessageMeta m = view.pendingExpunges.contains(uid) ? null : read.getOrDefault(uid, view.knownMeta(uid));
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    private void writeMessage(MailboxView view, int seq, MessageMeta meta, ParsedMessage structure,
                              List<FetchItem> items, boolean addFlags, Long threadId) {
        sync.noteKeywords(view, meta.flags());
        // BINARY content is decoded before the line starts, so a decoding failure can still become a NO
        List<Object> prepared = new ArrayList<>(items.size());
        for (FetchItem item : items) {
            prepared.add(item instanceof FetchItem.Binary b ? decoded(meta, structure, b.part())
                    : item instanceof FetchItem.BinarySize s ? decoded(meta, structure, s.part()) : null);
        }
        try {
            out.star().number(seq).atom(" FETCH (");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.sp();
                }
                writeItem(view, meta, structure, items.get(i), (Decoded) prepared.get(i), threadId);
            }
            if (addFlags) {
                out.sp().atom("FLAGS ");
                sync.writeFlags(view, meta.uid(), meta.flags());
                if (items.stream().noneMatch(i -> i instanceof FetchItem.ModSeq)) {
                    sync.writeModSeq(meta);
                }
            }
            out.close().crlf();
        } finally {
            for (Object p : prepared) {
                if (p instanceof Decoded d) {
                    d.close();
                }
            }
        }
    }

    private void writeItem(MailboxView view, MessageMeta meta, ParsedMessage structure, FetchItem item, Decoded decoded,
                           Long threadId) {
        switch (item) {
            case FetchItem.Uid u -> out.atom("UID ").number(meta.uid());
            case FetchItem.ModSeq m -> out.atom("MODSEQ (").number(meta.modSeq()).atom(")");
            case FetchItem.EmailId e -> out.atom("EMAILID ").atom(ObjectIds.parenthesized(ObjectIds.emailId(meta.blob())));
            // RFC 8474 §5.2: NIL only if the message vanished between the two reads
            case FetchItem.ThreadId t -> out.atom("THREADID ")
                    .atom(threadId == null ? "NIL" : ObjectIds.parenthesized(ObjectIds.threadId(threadId)));
            case FetchItem.SaveDate d -> out.atom("SAVEDATE \"") // RFC 8514 §4
                    .atom(Dates.formatDateTime(meta.saveDate().atZone(ZoneOffset.UTC))).atom("\"");
            case FetchItem.Flags f -> {
                out.atom("FLAGS ");
                sync.writeFlags(view, meta.uid(), meta.flags());
            }
            case FetchItem.InternalDate d -> out.atom("INTERNALDATE \"")
                    .atom(Dates.formatDateTime(meta.internalDate().atZone(ZoneOffset.UTC))).atom("\"");
            case FetchItem.Rfc822Size s -> out.atom("RFC822.SIZE ").number(meta.size());
            case FetchItem.Envelope e -> {
                out.atom("ENVELOPE ");
                structures.envelope(structure.envelope());
            }
            case FetchItem.Structure s -> {
                out.atom(s.extended() ? "BODYSTRUCTURE " : "BODY ");
                structures.body(structure.body(), s.extended());
            }
            case FetchItem.Rfc822 r -> {
                out.atom(switch (r.text()) {
                    case HEADER -> "RFC822.HEADER ";
                    case TEXT -> "RFC822.TEXT ";
                    default -> "RFC822 ";
                });
                content(meta, Sections.resolve(structure, new FetchItem.Section(List.of(), r.text(), List.of()),
                        ctx.mail, meta.blob()), null);
            }
            case FetchItem.BodySection b -> {
                out.atom("BODY[").atom(b.section().toWire().replace("\r", "").replace("\n", "")).atom("]");
                if (b.partial() != null) {
                    out.atom("<").number(b.partial().offset()).atom(">");
                }
                out.sp();
                content(meta, Sections.resolve(structure, b.section(), ctx.mail, meta.blob()), b.partial());
            }
            case FetchItem.Binary b -> {
                out.atom("BINARY[").atom(partPath(b.part())).atom("]");
                if (b.partial() != null) {
                    out.atom("<").number(b.partial().offset()).atom(">");
                }
                out.sp();
                decoded.write(out, b.partial());
            }
            case FetchItem.BinarySize s -> {
                out.atom("BINARY.SIZE[").atom(partPath(s.part())).atom("] ");
                if (decoded.missing) {
                    out.nil();
                } else {
                    out.number(decoded.size);
                }
            }
        }
    }

    private static String partPath(List<Integer> part) {
        StringBuilder sb = new StringBuilder();
        for (int n : part) {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(n);
        }
        return sb.toString();
    }

    private void content(MessageMeta meta, Sections.Content content, FetchItem.Partial partial) {
        switch (content) {
            case Sections.Content.Missing m -> out.nil();
            case Sections.Content.Bytes b -> {
                long[] r = clip(b.bytes().length, partial);
                out.literal(b.bytes(), (int) r[0], (int) r[1]);
            }
            case Sections.Content.Range r -> {
                long[] c = clip(Math.max(0, Math.min(r.length(), meta.size() - r.offset())), partial);
                try (InputStream in = ctx.mail.openContent(meta.blob(), r.offset() + c[0], c[1])) {
                    out.literal(in, c[1], false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** [start, length] within content of {@code size} octets after applying &lt;offset.length&gt;. */
    static long[] clip(long size, FetchItem.Partial partial) {
        if (partial == null) {
            return new long[] {0, size};
        }
        if (partial.offset() >= size) {
            return new long[] {0, 0};
        }
        return new long[] {partial.offset(), Math.min(partial.length(), size - partial.offset())};
    }

    /** Decoded content of a part for BINARY (RFC 3516 §4.2); whole message and non-leaf parts are raw. */
    private Decoded decoded(MessageMeta meta, ParsedMessage structure, List<Integer> path) {
        BodyPart part = path.isEmpty() ? null : Sections.part(structure, path);
        if (!path.isEmpty() && part == null) {
            return Decoded.MISSING;
        }
        boolean raw = part == null || part.isMultipart() || StructureWriter.isMessage(part);
        if (!raw && !BodyText.knowsEncoding(part)) {
            throw new ImapException.No(ResponseCode.UNKNOWN_CTE, "unknown content transfer encoding");
        }
        long offset = part == null ? 0 : part.bodyOffset();
        long length = part == null ? meta.size() : part.bodyLength();
        try (InputStream content = raw ? ctx.mail.openContent(meta.blob(), offset, length)
                : BodyText.decodePart(part, ctx.mail.openContent(meta.blob(), offset, length))) {
            return Decoded.of(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decoded octets, in memory or spooled. */
    private static final class Decoded implements AutoCloseable {
        static final Decoded MISSING = new Decoded(null, null, 0, false, true);
        final byte[] bytes;
        final Path file;
        final long size;
        final boolean hasNul;
        final boolean missing;

        Decoded(byte[] bytes, Path file, long size, boolean hasNul, boolean missing) {
            this.bytes = bytes;
            this.file = file;
            this.size = size;
            this.hasNul = hasNul;
            this.missing = missing;
        }

        static Decoded of(InputStream content) throws IOException {
            SpillingBuffer buf = new SpillingBuffer(BINARY_MEMORY_LIMIT);
            content.transferTo(buf);
            buf.close();
            return new Decoded(buf.memory == null ? null : buf.memory.toByteArray(), buf.file, buf.count, buf.nul, false);
        }

        void write(ResponseWriter out, FetchItem.Partial partial) {
            if (missing) {
                out.nil();
                return;
            }
            long[] r = clip(size, partial);
            try (InputStream in = bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file)) {
                in.skipNBytes(r[0]);
                out.literal(in, r[1], hasNul);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // temp file: harmless
                }
            }
        }
    }

    /** An output stream that keeps up to a limit in memory and moves to a temp file beyond it. */
    private static final class SpillingBuffer extends OutputStream {
        private final int limit;
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        Path file;
        private OutputStream fileOut;
        long count;
        boolean nul;

        SpillingBuffer(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len && !nul; i++) {
                nul = b[i] == 0;
            }
            count += len;
            if (fileOut == null && memory.size() + len > limit) {
                file = Files.createTempFile("binary-", ".tmp");
                fileOut = Files.newOutputStream(file);
                memory.writeTo(fileOut);
                memory = null;
            }
            if (fileOut != null) {
                fileOut.write(b, off, len);
            } else {
                memory.write(b, off, len);
            }
        }

        @Override
        public void close() throws IOException {
            if (fileOut != null) {
                fileOut.close();
            }
        }
    }
}
