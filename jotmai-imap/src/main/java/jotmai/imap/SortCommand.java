package jotmai.imap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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

    Outcome sort(SessionState.Selected session, Command.Sort command) {
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
        ctx.out.star().atom("SORT");
        for (Facts f : facts) {
            ctx.out.sp().number(command.uid() ? f.meta().uid() : f.seq());
        }
        ctx.out.crlf();
        return Outcome.of(session);
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
