package jotmai.imap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses RFC 5465 NOTIFY (§8 grammar) and enforces the §6.1 rules the RFC answers with BAD: only message
 * events with SELECTED/SELECTED-DELAYED, and only one of the two.
 */
final class NotifyParser {
    /** Event groups and mailbox names per command: a client watching more is better off with PERSONAL. */
    static final int MAX_GROUPS = 32;
    static final int MAX_NAMES = 1000;

    private NotifyParser() {}

    static Command notify(Tokens t) {
        t.sp();
        String verb = t.atom().toUpperCase(Locale.ROOT);
        if (verb.equals("NONE")) {
            return new Command.Notify(false, List.of());
        }
        if (!verb.equals("SET")) {
            throw Tokens.error("NOTIFY SET or NOTIFY NONE");
        }
        t.sp();
        boolean status = false;
        if (t.peek() != '(') {
            if (!t.atom().equalsIgnoreCase("STATUS")) {
                throw Tokens.error("STATUS or an event group");
            }
            status = true;
            t.sp();
        }
        List<NotifySpec.Group> groups = new ArrayList<>();
        int[] names = {0};
        do {
            t.skip(' ');
            groups.add(group(t, names));
            if (groups.size() > MAX_GROUPS) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "too many NOTIFY event groups");
            }
        } while (t.peek() == ' ');
        long selectedGroups = groups.stream().filter(g -> g.filter() instanceof NotifySpec.Filter.Selected).count();
        if (selectedGroups > 1) {
            throw new ImapException.Bad("only one of SELECTED and SELECTED-DELAYED (RFC 5465 6.1)");
        }
        return new Command.Notify(status, groups);
    }

    private static NotifySpec.Group group(Tokens t, int[] names) {
        t.expect('(');
        NotifySpec.Filter filter = filter(t, names);
        t.sp();
        List<NotifySpec.Event> events = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<FetchItem> fetch = List.of();
        if (t.skip('(')) {
            do {
                t.skip(' ');
                String name = t.atom();
                Optional<NotifySpec.Event> event = NotifySpec.Event.of(name);
                if (event.isEmpty()) {
                    unknown.add(name);
                    continue;
                }
                if (!events.contains(event.get())) {
                    events.add(event.get());
                }
                if (event.get() == NotifySpec.Event.MESSAGE_NEW && t.skip(' ') && t.peek() == '(') {
                    fetch = FetchParser.items(t); // RFC 5465 §5.2 fetch-att list
                }
            } while (!t.skip(')'));
        } else if (!t.atom().equalsIgnoreCase("NONE")) {
            throw Tokens.error("an event list or NONE");
        }
        t.expect(')');
        check(filter, events);
        return new NotifySpec.Group(filter, List.copyOf(events), List.copyOf(unknown), fetch);
    }

    private static NotifySpec.Filter filter(Tokens t, int[] names) {
        String kind = t.atom().toUpperCase(Locale.ROOT);
        return switch (kind) {
            case "SELECTED" -> new NotifySpec.Filter.Selected(false);
            case "SELECTED-DELAYED" -> new NotifySpec.Filter.Selected(true);
            case "INBOXES" -> new NotifySpec.Filter.Inboxes();
            case "PERSONAL" -> new NotifySpec.Filter.Personal();
            case "SUBSCRIBED" -> new NotifySpec.Filter.Subscribed();
            case "SUBTREE" -> new NotifySpec.Filter.Subtree(mailboxes(t, names));
            case "MAILBOXES" -> new NotifySpec.Filter.Mailboxes(mailboxes(t, names));
            default -> throw Tokens.error("a NOTIFY mailbox filter");
        };
    }

    /** one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")" */
    private static List<String> mailboxes(Tokens t, int[] names) {
        t.sp();
        List<String> list = new ArrayList<>();
        if (t.skip('(')) {
            do {
                t.skip(' ');
                list.add(t.astring());
                if (++names[0] > MAX_NAMES) {
                    throw new ImapException.Bad(ResponseCode.LIMIT, "too many mailbox names in NOTIFY");
                }
            } while (!t.skip(')'));
        } else {
            list.add(t.astring());
        }
        return List.copyOf(list);
    }

    /**
     * RFC 5465 §6.1: only message events with SELECTED/SELECTED-DELAYED. The §5 pairing rules
     * (MessageNew with MessageExpunge; FlagChange only with both) are deliberately not enforced: Dovecot
     * accepts each event alone and imaptest's "notify" group expects that (a lone MessageExpunge asks for
     * STATUS (MESSAGES) only). Each event is then honoured on its own.
     */
    private static void check(NotifySpec.Filter filter, List<NotifySpec.Event> events) {
        if (filter instanceof NotifySpec.Filter.Selected && events.stream().anyMatch(e -> !e.isMessageEvent())) {
            throw new ImapException.Bad("only message events with SELECTED (RFC 5465 6.1)");
        }
    }
}
