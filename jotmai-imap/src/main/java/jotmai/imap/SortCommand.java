package jotmai.imap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jotmai.imap.protocol.Command;
import jotmai.message.Address;
import jotmai.message.Envelope;
import jotmai.message.HeaderDecoder;
import jotmai.message.HeaderField;
import jotmai.message.ParsedMessage;
import jotmai.store.MessageMeta;

/**
 * SORT and THREAD (RFC 5256), with SORT=DISPLAY (RFC 5957). The messages come from the same matching
 * as SEARCH; sort keys come from the structure parsed at delivery (envelope and header index), never
 * from the message bytes.
 */
final class SortCommand {
    private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]+)>");
    /** References kept per message for THREAD; real chains are far shorter (RFC 5322 §3.6.4 advice). */
    static final int MAX_REFERENCES = 256;

    private final SessionContext ctx;
    private final SearchCommand search;

    SortCommand(SessionContext ctx, SearchCommand search) {
        this.ctx = ctx;
        this.search = search;
    }

    /** What the sort and thread keys need of one message, looked up once. */
    private record Facts(MessageMeta meta, int seq, ParsedMessage structure, Instant sentDate, BaseSubject subject) {}

    private List<Facts> facts(SessionState.Selected session, String charset, jotmai.imap.protocol.SearchKey key) {
        MailboxView view = session.view();
        List<Facts> facts = new ArrayList<>();
        for (MessageMeta meta : search.matching(session, charset, key)) {
            ParsedMessage structure = ctx.mail.structure(meta.blob());
            Envelope e = structure.envelope();
            // RFC 5256 §2.2: a missing or unparseable Date counts as the INTERNALDATE
            Instant sent = SentDate.parse(e == null ? null : e.date()).orElse(meta.internalDate());
            facts.add(new Facts(meta, view.seqOf(meta.uid()), structure, sent,
                    BaseSubject.of(e == null ? null : e.subject())));
        }
        return facts;
    }

    // ---- SORT (RFC 5256 §3) ----

    Outcome sort(SessionState.Selected session, Command.Sort command, String tag) {
        List<Facts> facts = facts(session, command.charset(), command.key());
        Comparator<Facts> order = null;
        for (Command.SortKey key : command.criteria()) {
            Comparator<Facts> c = comparator(key.criterion());
            if (key.reverse()) {
                c = c.reversed();
            }
            order = order == null ? c : order.thenComparing(c);
        }
        // ties: sequence number order (RFC 5256 §3); REVERSE does not apply to it
        order = order.thenComparingInt(Facts::seq);
        facts.sort(order);
        List<Long> numbers = facts.stream().map(f -> command.uid() ? f.meta().uid() : (long) f.seq()).toList();
        if (command.returns().isPresent()) {
            esort(session.view(), command, tag, facts.stream().map(f -> f.meta().uid()).toList(), numbers);
            return Outcome.of(session);
        }
        ctx.out.star().atom("SORT");
        for (long n : numbers) {
            ctx.out.sp().number(n);
        }
        ctx.out.crlf();
        return Outcome.of(session);
    }

    /**
     * ESORT (RFC 5267 §3): the sorted result as an ESEARCH response. MIN and MAX are the first and last
     * message in sort order (not the lowest and highest number); ALL lists every match in sort order.
     * SAVE (RFC 5182 §2.4) keeps the matches (or, with only MIN/MAX, just those) as the saved result.
     */
    private void esort(MailboxView view, Command.Sort command, String tag, List<Long> uids, List<Long> numbers) {
        Set<Command.SearchReturn> opts = command.returns().orElseThrow();
        boolean min = opts.contains(Command.SearchReturn.MIN);
        boolean max = opts.contains(Command.SearchReturn.MAX);
        boolean count = opts.contains(Command.SearchReturn.COUNT);
        boolean save = opts.contains(Command.SearchReturn.SAVE);
        boolean all = opts.contains(Command.SearchReturn.ALL) || opts.isEmpty();
        if (save && SearchCommand.saveResult(view, uids, opts)) {
            return; // RFC 5182 §2.4: SAVE alone produces no ESEARCH response
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
            ctx.out.atom(" ALL ").atom(inOrder(numbers));
        }
        ctx.out.crlf();
    }

    /**
     * A sequence-set that keeps the given order (RFC 5267 §3 ALL: "in the requested sort order").
     * Only ascending runs of consecutive numbers become ranges ("4:6" = 4,5,6), so a client that reads
     * the set in order and one that expands ranges see the same sequence; descending runs stay listed.
     */
    static String inOrder(List<Long> numbers) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < numbers.size()) {
            int j = i;
            while (j + 1 < numbers.size() && numbers.get(j + 1) == numbers.get(j) + 1) {
                j++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(numbers.get(i));
            if (j > i) {
                sb.append(':').append(numbers.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }

    private static Comparator<Facts> comparator(Command.SortCriterion criterion) {
        return switch (criterion) {
            case ARRIVAL -> Comparator.comparing(f -> f.meta().internalDate());
            case DATE -> Comparator.comparing(Facts::sentDate);
            case SIZE -> Comparator.comparingLong(f -> f.meta().size());
            case SUBJECT -> Comparator.comparing(f -> f.subject().base(), SortCollation.ASCII_CASEMAP);
            case FROM -> byText(f -> mailboxOf(envelope(f).from()));
            case TO -> byText(f -> mailboxOf(envelope(f).to()));
            case CC -> byText(f -> mailboxOf(envelope(f).cc()));
            case DISPLAYFROM -> byText(f -> displayOf(envelope(f).from()));
            case DISPLAYTO -> byText(f -> displayOf(envelope(f).to()));
        };
    }

    private static Comparator<Facts> byText(java.util.function.Function<Facts, String> text) {
        return Comparator.comparing(text, SortCollation.ASCII_CASEMAP);
    }

    private static Envelope envelope(Facts f) {
        Envelope e = f.structure().envelope();
        return e != null ? e : new Envelope(null, null, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), null, null);
    }

    /**
     * The first address as ENVELOPE lists it. A group's start marker (mailbox = the group name, host
     * NIL) counts as the first address, as in Dovecot: "undisclosed: ;" sorts as "undisclosed".
     */
    private static Address first(List<Address> addresses) {
        return addresses == null || addresses.isEmpty() ? null : addresses.get(0);
    }

    /** RFC 5256 §3 FROM/TO/CC: the addr-mailbox (local part) of the first address, empty if none. */
    private static String mailboxOf(List<Address> addresses) {
        Address a = first(addresses);
        return a == null || a.mailbox() == null ? "" : a.mailbox();
    }

    /** RFC 5957 §3: the decoded display name of the first address, else its addr-spec (group: its name). */
    private static String displayOf(List<Address> addresses) {
        Address a = first(addresses);
        if (a == null) {
            return "";
        }
        String name = a.name() == null ? "" : HeaderDecoder.decode(a.name()).strip();
        if (!name.isEmpty()) {
            return name;
        }
        String mailbox = a.mailbox() == null ? "" : a.mailbox();
        return a.host() == null ? mailbox : mailbox + "@" + a.host();
    }

    // ---- THREAD (RFC 5256 §3) ----

    Outcome thread(SessionState.Selected session, Command.Thread command) {
        List<Threader.Message> messages = new ArrayList<>();
        for (Facts f : facts(session, command.charset(), command.key())) {
            long number = command.uid() ? f.meta().uid() : f.seq();
            Envelope e = envelope(f);
            messages.add(new Threader.Message(number, f.seq(), firstId(e.messageId()), references(f.structure()),
                    f.subject(), f.sentDate()));
        }
        messages.sort(Comparator.comparingInt(Threader.Message::order));
        List<Threader.Node> roots = switch (command.algorithm()) {
            case ORDEREDSUBJECT -> Threader.orderedSubject(messages);
            case REFERENCES -> Threader.references(messages);
        };
        ctx.out.star().atom("THREAD");
        String threads = Threader.format(roots);
        if (!threads.isEmpty()) {
            ctx.out.sp().atom(threads);
        }
        ctx.out.crlf();
        return Outcome.of(session);
    }

    private static String firstId(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = MSG_ID.matcher(header);
        return m.find() ? m.group(1) : null;
    }

    /** RFC 5256 §3 REFERENCES step 1A: the References ids, else the first In-Reply-To id. */
    private static List<String> references(ParsedMessage structure) {
        List<String> ids = new ArrayList<>();
        for (HeaderField h : structure.headers()) {
            if (h.name().toLowerCase(Locale.ROOT).equals("references")) {
                Matcher m = MSG_ID.matcher(h.value());
                while (m.find() && ids.size() < MAX_REFERENCES) {
                    ids.add(m.group(1));
                }
                break;
            }
        }
        if (ids.isEmpty() && structure.envelope() != null) {
            String parent = firstId(structure.envelope().inReplyTo());
            if (parent != null) {
                ids.add(parent);
            }
        }
        return ids;
    }
}
