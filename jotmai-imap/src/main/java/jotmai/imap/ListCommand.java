package jotmai.imap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import jotmai.imap.protocol.Command;
import jotmai.store.AclStore;
import jotmai.store.Mailbox;

/**
 * LIST (RFC 9051 §6.3.9 with LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819,
 * CHILDREN RFC 3348) and LSUB (RFC 3501 §6.3.9).
 */
final class ListCommand {
    private final SessionContext ctx;

    ListCommand(SessionContext ctx) {
        this.ctx = ctx;
    }

    /** One line of output: a name with its attributes; mailbox null for non-existent names. */
    private record Entry(String name, Mailbox mailbox, Set<String> attributes) {}

    void list(jotmai.store.Account account, Command.ListMailboxes command,
              BiConsumer<Mailbox, List<Command.StatusItem>> status) {
        long accountId = account.id();
        String delimiter = String.valueOf(Mailbox.DELIMITER);
        if (!command.lsub() && command.patterns().size() == 1 && command.patterns().get(0).isEmpty()
                && !command.extended()) {
            // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root
            ctx.out.star().atom("LIST (\\Noselect) \"").atom(delimiter).atom("\" \"\"").crlf();
            return;
        }
        if (!command.lsub() && command.patterns().size() == 1 && !command.extended()
                && SharedNamespace.isPrefixRoot(stripDelimiter(command.reference() + command.patterns().get(0)))) {
            // RFC 2342 §4: a client checks a namespace prefix ("Shared Folders/") with LIST before
            // listing inside it; the prefix is a name that holds others but no messages
            ctx.out.star().atom("LIST (\\Noselect \\HasChildren) \"").atom(delimiter).atom("\" ")
                    .astring(command.reference() + command.patterns().get(0)).crlf();
            return;
        }
        // issue 4: own and shared mailboxes from one read transaction instead of two
        boolean withShared = command.patterns().stream().anyMatch(p -> mayMatchShared(command.reference(), p));
        AclStore.Listing listing = ctx.shared.acl().listing(account, withShared);
        Map<String, Mailbox> byName = new LinkedHashMap<>();
        for (Mailbox m : listing.own()) {
            byName.put(m.name(), m);
        }
        // RFC 4314 §4 / RFC 2342: other users' mailboxes with "l", under the namespace prefixes
        for (Mailbox m : SharedNamespace.listable(account, listing.shared())) {
            byName.putIfAbsent(m.name(), m);
        }
        boolean subscribedOnly = command.lsub() || command.selection().contains(Command.ListSelect.SUBSCRIBED);
        // subscriptions matter only for LSUB, the SUBSCRIBED selection or return option (RFC 5258 §3.1,
        // §3.2); a plain LIST skips that store read (issue 4: one LIST was three read transactions)
        Set<String> subscriptions = subscribedOnly || command.returns().subscribed()
                ? ctx.mail.subscriptions(accountId) : Set.of();
        Set<String> parentsWithChildren = new TreeSet<>();
        for (String name : byName.keySet()) {
            int slash = -1;
            while ((slash = name.indexOf(Mailbox.DELIMITER, slash + 1)) > 0) {
                parentsWithChildren.add(name.substring(0, slash));
            }
        }
        List<Pattern> patterns = new ArrayList<>();
        for (String p : command.patterns()) {
            String reference = ctx.storeNameLenient(command.reference());
            patterns.add(MailboxNames.listPattern(reference, ctx.storeNameLenient(p)));
        }
        boolean specialOnly = command.selection().contains(Command.ListSelect.SPECIAL_USE);
        boolean recursive = command.selection().contains(Command.ListSelect.RECURSIVEMATCH);

        Set<String> candidates = new TreeSet<>(subscribedOnly ? subscriptions : byName.keySet());
        if (!subscribedOnly) {
            candidates.addAll(parentsWithChildren); // implied parents may show as \Noselect / \NonExistent
        }
        List<Entry> entries = new ArrayList<>();
        for (String name : orderInboxFirst(candidates)) {
            if (patterns.stream().noneMatch(p -> p.matcher(name).matches())) {
                continue;
            }
            Mailbox mailbox = byName.get(name);
            Set<String> attrs = new java.util.LinkedHashSet<>();
            if (mailbox == null) {
                if (!subscribedOnly && !hasMatchingAncestorOnlyViaPercent(name, byName)) {
                    // a parent that exists only as a path of its children
                    attrs.add(command.extended() ? "\\NonExistent" : "\\Noselect");
                } else if (subscribedOnly) {
                    attrs.add("\\NonExistent");
                }
            }
            if (mailbox != null || !subscribedOnly) {
                attrs.add(parentsWithChildren.contains(name) ? "\\HasChildren" : "\\HasNoChildren");
            }
            if (mailbox != null && mailbox.specialUse().isPresent()) {
                attrs.add(mailbox.specialUse().get().attribute());
            }
            if (specialOnly && (mailbox == null || mailbox.specialUse().isEmpty())) {
                continue;
            }
            if ((subscribedOnly && !command.lsub()) || command.returns().subscribed()) {
                if (subscriptions.contains(name)) {
                    attrs.add("\\Subscribed");
                }
            }
            entries.add(new Entry(name, mailbox, attrs));
        }
        if (command.lsub() || (subscribedOnly && recursive)) {
            // LSUB "%" and RECURSIVEMATCH: a parent of a subscribed mailbox shows when only the child matched
            for (String sub : subscriptions) {
                if (patterns.stream().anyMatch(p -> p.matcher(sub).matches())) {
                    continue; // RFC 5258 §3.5: CHILDINFO only for descendants the patterns do not name
                }
                int slash = -1;
                while ((slash = sub.indexOf(Mailbox.DELIMITER, slash + 1)) > 0) {
                    String parent = sub.substring(0, slash);
                    if (subscriptions.contains(parent) || entries.stream().anyMatch(e -> e.name.equals(parent))) {
                        continue;
                    }
                    if (patterns.stream().anyMatch(p -> p.matcher(parent).matches())) {
                        Set<String> attrs = new java.util.LinkedHashSet<>();
                        Mailbox existing = byName.get(parent);
                        if (command.lsub()) {
                            attrs.add("\\Noselect");
                        } else if (existing == null) {
                            attrs.add("\\NonExistent");
                        }
                        if (!command.lsub() && command.returns().children()) {
                            attrs.add("\\HasChildren");
                        }
                        entries.add(new Entry(parent, existing, attrs));
                    }
                }
            }
        }
        for (Entry e : entries) {
            ctx.out.star().atom(command.lsub() ? "LSUB (" : "LIST (").atom(String.join(" ", e.attributes))
                    .atom(") \"").atom(delimiter).atom("\" ").astring(ctx.wireName(e.name));
            if (recursive && subscribedOnly && !subscriptions.contains(e.name)) {
                ctx.out.atom(" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
            }
            ctx.out.crlf();
            if (!command.returns().status().isEmpty() && e.mailbox != null) {
                status.accept(e.mailbox, command.returns().status());
            }
        }
    }

    private static String stripDelimiter(String name) {
        return name.endsWith(String.valueOf(Mailbox.DELIMITER)) ? name.substring(0, name.length() - 1) : "";
    }

    /** Whether a pattern can reach the shared namespaces (saves the cross-account query otherwise). */
    private static boolean mayMatchShared(String reference, String pattern) {
        String full = reference + pattern;
        return full.startsWith("*") || full.startsWith("%") || full.startsWith(SharedNamespace.OTHER_USERS.substring(0, 1))
                || full.startsWith(SharedNamespace.SHARED_FOLDERS.substring(0, 1));
    }

    private static boolean hasMatchingAncestorOnlyViaPercent(String name, Map<String, Mailbox> byName) {
        return false;
    }

    private static List<String> orderInboxFirst(Set<String> names) {
        List<String> ordered = new ArrayList<>();
        if (names.contains(Mailbox.INBOX)) {
            ordered.add(Mailbox.INBOX);
        }
        for (String n : names) {
            if (!n.equals(Mailbox.INBOX)) {
                ordered.add(n);
            }
        }
        return ordered;
    }
}
