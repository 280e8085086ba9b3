package jotmai.imap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.SearchKey;
import jotmai.imap.protocol.SequenceSet;
import jotmai.message.Address;
import jotmai.message.BodyPart;
import jotmai.message.Envelope;
import jotmai.message.BodyText;
import jotmai.message.HeaderDecoder;
import jotmai.message.HeaderField;
import jotmai.message.ParsedMessage;
import jotmai.store.FlagRows;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4) with ESEARCH (RFC 4731) and SEARCHRES (RFC 5182). Text keys
 * match case-insensitively on decoded text (RFC 2047 headers, transfer encodings and charsets undone by
 * jotmai.message). Cheap keys (flags, sizes, dates, sets) never load the message structure.
 */
final class SearchCommand {
    private static final Pattern RFC5322_DATE = Pattern.compile(
            "(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+(\\d{2,4})", Pattern.CASE_INSENSITIVE);
    private static final List<String> MONTHS =
            List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private final SessionContext ctx;

    SearchCommand(SessionContext ctx) {
        this.ctx = ctx;
    }

    Outcome search(SessionState.Selected session, Command.Search command, String tag) {
        String charset = command.charset().toUpperCase(Locale.ROOT);
        if (!charset.equals("US-ASCII") && !charset.equals("UTF-8")) {
            throw new ImapException.No(ResponseCode.BADCHARSET, "unsupported charset");
        }
        MailboxView view = session.view();
        Map<SearchKey, UidSet> sets = new IdentityHashMap<>();
        resolveSets(command.key(), view, sets);
        boolean modSeqKey = usesModSeq(command.key());
        if (modSeqKey) {
            ctx.enableCondstore(); // RFC 7162 §3.1
        }
        List<Long> matches = new ArrayList<>();
        Map<Long, Long> modSeqs = new HashMap<>();
        List<Long> seqs = null;
        if (FlagSearch.answers(command.key())) {
            // flags, UIDs, sequence numbers, MODSEQ: answered from UIDs and flags only (MailStore.flagRows)
            FlagRows rows = FlagSearch.implied(command.key())
                    .map(f -> ctx.seen.flagRows(view, f.flag(), f.present()))
                    .orElseGet(() -> ctx.seen.flagRows(view)); // issue 7: a reader's own \Seen
            FlagSearch.Found found = FlagSearch.find(command.key(), rows, view, sets, modSeqKey);
            matches = found.uids();
            seqs = found.seqs();
            modSeqs = found.modSeqs();
        } else {
            for (MessageMeta meta : select(view, command.key(), sets)) {
                matches.add(meta.uid());
                if (modSeqKey) {
                    modSeqs.put(meta.uid(), meta.modSeq());
                }
            }
        }
        write(view, command, tag, matches, seqs, modSeqs);
        return Outcome.of(session);
    }

    /**
     * The messages of the session's view that match {@code key}, in UID order; for SORT and THREAD
     * (RFC 5256 §3: their search criteria mean what SEARCH's do).
     */
    List<MessageMeta> matching(SessionState.Selected session, String charset, SearchKey key) {
        String cs = charset.toUpperCase(Locale.ROOT);
        if (!cs.equals("US-ASCII") && !cs.equals("UTF-8")) {
            throw new ImapException.No(ResponseCode.BADCHARSET, "unsupported charset");
        }
        MailboxView view = session.view();
        Map<SearchKey, UidSet> sets = new IdentityHashMap<>();
        resolveSets(key, view, sets);
        return select(view, key, sets);
    }

    /**
     * The messages of the view matching {@code key}, in UID order. Text keys are looked up in the
     * store's text index first ({@link TextLookups}); when the search requires one, only its candidates
     * are loaded and tested.
     */
    private List<MessageMeta> select(MailboxView view, SearchKey key, Map<SearchKey, UidSet> sets) {
        TextLookups text = TextLookups.resolve(ctx.mail, view.mailboxId, key);
        List<MessageMeta> candidates = text.restriction(key)
                .map(uids -> ctx.seen.messages(view, uids))
                .orElseGet(() -> ctx.seen.messages(view));
        List<MessageMeta> result = new ArrayList<>();
        for (MessageMeta meta : candidates) {
            int seq = view.seqOf(meta.uid());
            if (seq > 0 && matches(key, new Candidate(meta, seq, text), view, sets)) {
                result.add(meta);
            }
        }
        return result;
    }

    /** Whether the key has a MODSEQ criterion (then results carry the highest MODSEQ, RFC 7162 §3.1.5). */
    private static boolean usesModSeq(SearchKey key) {
        return switch (key) {
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> usesModSeq(n.key());
            case SearchKey.Or o -> usesModSeq(o.left()) || usesModSeq(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchCommand::usesModSeq);
            default -> false;
        };
    }

    /**
     * modSeqs: UID → MODSEQ of the matches when the search used MODSEQ (else empty). RFC 7162 §3.1.5:
     * the highest MODSEQ of the messages reported; with only MIN and/or MAX those are the ones reported.
     */
    private void write(MailboxView view, Command.Search command, String tag, List<Long> uids, List<Long> seqs,
                       Map<Long, Long> modSeqs) {
        long highestModSeq = modSeqs.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<Long> numbers = command.uid() ? uids
                : seqs != null ? seqs : uids.stream().map(u -> (long) view.seqOf(u)).toList();
        if (command.returns().isEmpty() && !ctx.rev2()) {
            ctx.out.star().atom("SEARCH");
            if (numbers instanceof LongArrayList array) {
                ctx.out.spNumbers(array.array(), array.size());
            } else {
                ctx.out.spNumbers(numbers);
            }
            if (highestModSeq > 0) {
                ctx.out.atom(" (MODSEQ ").number(highestModSeq).atom(")");
            }
            ctx.out.crlf();
            return;
        }
        Set<Command.SearchReturn> opts = command.returns().orElse(Set.of());
        boolean save = opts.contains(Command.SearchReturn.SAVE);
        boolean min = opts.contains(Command.SearchReturn.MIN);
        boolean max = opts.contains(Command.SearchReturn.MAX);
        boolean count = opts.contains(Command.SearchReturn.COUNT);
        boolean all = opts.contains(Command.SearchReturn.ALL) || (!min && !max && !count && !save);
        if (save) {
            if (saveResult(view, uids, opts)) {
                return;
            }
            all = opts.contains(Command.SearchReturn.ALL);
        }
        ctx.out.star().atom("ESEARCH (TAG ").string(tag).close();
        if (command.uid()) {
            ctx.out.atom(" UID");
        }
        if (min && !numbers.isEmpty()) {
            ctx.out.atom(" MIN ").number(numbers.get(0));
        }
        if (max && !numbers.isEmpty()) {
            ctx.out.atom(" MAX ").number(numbers.get(numbers.size() - 1));
        }
        if (count) {
            ctx.out.atom(" COUNT ").number(numbers.size());
        }
        if (all && !numbers.isEmpty()) {
            ctx.out.atom(" ALL ").atom(MessageCommands.uidList(numbers));
        }
        if (!all && !count && (min || max) && !uids.isEmpty()) {
            highestModSeq = Math.max(min ? modSeqs.getOrDefault(uids.get(0), 0L) : 0,
                    max ? modSeqs.getOrDefault(uids.get(uids.size() - 1), 0L) : 0);
        }
        if (highestModSeq > 0) {
            ctx.out.atom(" MODSEQ ").number(highestModSeq); // RFC 7162 §3.1.5 with RFC 4731
        }
        ctx.out.crlf();
    }

    /** Sequence and UID sets are resolved once per command, leniently (out-of-range numbers match nothing). */
    private void resolveSets(SearchKey key, MailboxView view, Map<SearchKey, UidSet> sets) {
        switch (key) {
            case SearchKey.Sequence s -> sets.put(key, resolveLenient(view, s.set(), false));
            case SearchKey.Uid u -> sets.put(key, resolveLenient(view, u.set(), true));
            case SearchKey.ObjectId o when o.thread() -> {
                // RFC 8474 §5.3 THREADID: one indexed read of the thread's members in this mailbox
                long threadId = ObjectIds.parseThreadId(o.id());
                sets.put(key, threadId < 0 ? UidSet.EMPTY : ctx.mail.threadMembers(view.mailboxId, threadId));
            }
            case SearchKey.Not n -> resolveSets(n.key(), view, sets);
            case SearchKey.Or o -> {
                resolveSets(o.left(), view, sets);
                resolveSets(o.right(), view, sets);
            }
            case SearchKey.And a -> a.keys().forEach(k -> resolveSets(k, view, sets));
            default -> { }
        }
    }

    private static UidSet resolveLenient(MailboxView view, SequenceSet set, boolean uid) {
        if (view.size() == 0) {
            return UidSet.EMPTY;
        }
        if (uid || set.saved()) {
            return view.resolve(set, uid);
        }
        List<SequenceSet.Range> clipped = new ArrayList<>();
        for (SequenceSet.Range r : set.ranges()) {
            long lo = Math.min(r.low() == SequenceSet.STAR ? view.size() : r.low(), view.size());
            long hi = Math.min(r.high() == SequenceSet.STAR ? view.size() : r.high(), view.size());
            long from = r.from() == SequenceSet.STAR ? view.size() : r.from();
            if (from > view.size() && r.from() == r.to()) {
                continue;
            }
            clipped.add(new SequenceSet.Range(Math.min(lo, hi), Math.max(lo, hi)));
        }
        return clipped.isEmpty() ? UidSet.EMPTY : view.resolve(new SequenceSet(clipped, false), false);
    }

    /** One message under test, with its structure loaded on first need. */
    private final class Candidate {
        final MessageMeta meta;
        final int seq;
        final TextLookups text;
        private ParsedMessage structure;

        Candidate(MessageMeta meta, int seq, TextLookups text) {
            this.meta = meta;
            this.seq = seq;
            this.text = text;
        }

        /** The text index's answer for this message and key, when it has one. */
        TextLookups.Decision indexed(SearchKey key) {
            return text.decide(key, meta.uid());
        }

        ParsedMessage structure() {
            if (structure == null) {
                structure = ctx.mail.structure(meta.blob());
            }
            return structure;
        }
    }

    private boolean matches(SearchKey key, Candidate c, MailboxView view, Map<SearchKey, UidSet> sets) {
        return switch (key) {
            case SearchKey.All a -> true;
            case SearchKey.Flag f -> c.meta.hasFlag(f.flag()) == f.present();
            case SearchKey.Recent r -> view.isRecent(c.meta.uid()) == r.present();
            case SearchKey.Sequence s -> sets.get(key).contains(c.meta.uid());
            case SearchKey.Uid u -> sets.get(key).contains(c.meta.uid());
            case SearchKey.ModSeq m -> c.meta.modSeq() >= m.modSeq();
            case SearchKey.ObjectId o -> o.thread() ? sets.get(key).contains(c.meta.uid())
                    : ObjectIds.emailId(c.meta.blob()).equals(o.id());
            case SearchKey.Size s -> s.larger() ? c.meta.size() > s.octets() : c.meta.size() < s.octets();
            case SearchKey.Date d -> compare(d, dateOf(d.field(), c));
            case SearchKey.Header h -> c.indexed(key) != TextLookups.Decision.NO_MATCH
                    && (headerMatches(c.structure(), h.field(), h.value())
                    || addressMatches(c.structure(), h.field(), h.value()));
            case SearchKey.Body b -> switch (c.indexed(key)) {
                case MATCH -> true;
                case NO_MATCH -> false;
                case SCAN -> bodyMatches(c, c.structure().body(), b.text());
            };
            case SearchKey.Text t -> switch (c.indexed(key)) {
                case MATCH -> true;
                case NO_MATCH -> false;
                case SCAN -> anyHeaderMatches(c.structure(), t.text()) || bodyMatches(c, c.structure().body(), t.text());
            };
            case SearchKey.Not n -> !matches(n.key(), c, view, sets);
            case SearchKey.Or o -> matches(o.left(), c, view, sets) || matches(o.right(), c, view, sets);
            case SearchKey.And a -> {
                for (SearchKey k : a.keys()) {
                    if (!matches(k, c, view, sets)) {
                        yield false;
                    }
                }
                yield true;
            }
        };
    }

    private static boolean compare(SearchKey.Date d, LocalDate date) {
        if (date == null) {
            return false;
        }
        return switch (d.comparison()) {
            case BEFORE -> date.isBefore(d.date());
            case ON -> date.equals(d.date());
            case SINCE -> !date.isBefore(d.date());
        };
    }

    private LocalDate dateOf(SearchKey.DateField field, Candidate c) {
        if (field == SearchKey.DateField.INTERNAL) {
            return c.meta.internalDate().atZone(ZoneOffset.UTC).toLocalDate();
        }
        if (field == SearchKey.DateField.SAVED) {
            return c.meta.saveDate().atZone(ZoneOffset.UTC).toLocalDate(); // RFC 8514 §4.2
        }
        String date = c.structure().envelope() == null ? null : c.structure().envelope().date();
        return date == null ? null : parseSentDate(date);
    }

    /** The date part of an RFC 5322 Date header, disregarding time and zone (RFC 9051 §6.4.4). */
    static LocalDate parseSentDate(String header) {
        Matcher m = RFC5322_DATE.matcher(header);
        if (!m.find()) {
            return null;
        }
        try {
            int year = Integer.parseInt(m.group(3));
            if (year < 100) {
                year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3 obsolete two-digit years
            }
            int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT).substring(0, 3)) + 1;
            return LocalDate.of(year, month, Integer.parseInt(m.group(1)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean headerMatches(ParsedMessage message, String field, String value) {
        for (HeaderField h : message.headers()) {
            if (h.name().equalsIgnoreCase(field)) {
                if (value.isEmpty() || BodyText.containsIgnoreCase(HeaderDecoder.decode(h.value()), value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * FROM/TO/CC/BCC also match the parsed addresses as "name &lt;mailbox@host&gt;", so comments and
     * odd spacing in the raw header do not hide an address (as Dovecot does).
     */
    private static boolean addressMatches(ParsedMessage message, String field, String value) {
        Envelope e = message.envelope();
        if (e == null || value.isEmpty()) {
            return false;
        }
        List<Address> list = switch (field.toLowerCase(Locale.ROOT)) {
            case "from" -> e.from();
            case "to" -> e.to();
            case "cc" -> e.cc();
            case "bcc" -> e.bcc();
            default -> null;
        };
        if (list == null) {
            return false;
        }
        for (Address a : list) {
            StringBuilder text = new StringBuilder();
            if (a.name() != null) {
                text.append(HeaderDecoder.decode(a.name())).append(' ');
            }
            text.append('<').append(a.mailbox() == null ? "" : a.mailbox());
            if (a.host() != null) {
                text.append('@').append(a.host());
            }
            text.append('>');
            if (BodyText.containsIgnoreCase(text.toString(), value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyHeaderMatches(ParsedMessage message, String value) {
        for (HeaderField h : message.headers()) {
            if (BodyText.containsIgnoreCase(h.name() + ": " + HeaderDecoder.decode(h.value()), value)) {
                return true;
            }
        }
        return false;
    }

    /** BODY: the decoded text of text parts, recursing into multiparts and attached messages. */
    private boolean bodyMatches(Candidate c, BodyPart part, String needle) {
        if (part.isMultipart()) {
            for (BodyPart child : part.parts()) {
                if (bodyMatches(c, child, needle)) {
                    return true;
                }
            }
            return false;
        }
        if (StructureWriter.isMessage(part) && part.message() != null) {
            return bodyMatches(c, part.message().body(), needle);
        }
        if (!part.type().equalsIgnoreCase("text") || !BodyText.knowsEncoding(part)) {
            return false;
        }
        try (InputStream raw = ctx.mail.openContent(c.meta.blob(), part.bodyOffset(), part.bodyLength())) {
            return BodyText.containsIgnoreCase(part, raw, needle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * RFC 5182 §2.4: keeps the result of a SEARCH or SORT with RETURN (SAVE ...) for "$": the matches,
     * or with only MIN and/or MAX just those (the first and last of {@code uids} in result order).
     * Returns true when SAVE was the only return option, so that no ESEARCH response follows.
     */
    static boolean saveResult(MailboxView view, List<Long> uids, Set<Command.SearchReturn> opts) {
        boolean min = opts.contains(Command.SearchReturn.MIN);
        boolean max = opts.contains(Command.SearchReturn.MAX);
        boolean onlyMinMax = (min || max) && !opts.contains(Command.SearchReturn.ALL)
                && !opts.contains(Command.SearchReturn.COUNT);
        if (onlyMinMax) {
            List<Long> kept = new ArrayList<>();
            if (min && !uids.isEmpty()) {
                kept.add(uids.get(0));
            }
            if (max && !uids.isEmpty()) {
                kept.add(uids.get(uids.size() - 1));
            }
            view.save(UidSet.of(kept));
        } else {
            view.save(UidSet.of(uids));
        }
        return opts.size() == 1;
    }
}
