package jotmai.store.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jotmai.message.HeaderField;
import jotmai.message.ParsedMessage;

/**
 * The Message-IDs that place a new message in a thread (RFC 8474 §5.2 THREADID, both backends).
 * At store time a backend looks up {@link #lookup()} in its per-account Message-ID → thread table
 * (one indexed read) and joins the thread of the first id found, else starts a new thread; then it
 * remembers {@link #remember()} for that thread, so that later replies find it and two replies to a
 * parent the account never received still share a thread.
 *
 * @param lookup   ids to look up, best first: the message's own id (a reply stored before its parent
 *                 remembered it), the In-Reply-To id, then References from the nearest ancestor back
 *                 (RFC 5322 §3.6.4: the last References id is the parent)
 * @param remember ids to map to the chosen thread: its own id, its parent and the thread root
 */
public record ThreadKeys(List<String> lookup, List<String> remember) {
    /** References ids looked up per message; real chains are far shorter, this bounds hostile ones. */
    public static final int MAX_LOOKUP = 32;
    /** Longer ids are not stored (the table key stays small); such a message starts its own thread. */
    public static final int MAX_ID_LENGTH = 250;

    public static final ThreadKeys NONE = new ThreadKeys(List.of(), List.of());

    private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]+)>");

    public static ThreadKeys of(ParsedMessage message) {
        if (message == null || message.envelope() == null) {
            return NONE;
        }
        String own = first(message.envelope().messageId());
        String inReplyTo = first(message.envelope().inReplyTo());
        List<String> references = new ArrayList<>();
        for (HeaderField h : message.headers()) {
            if (h.name().toLowerCase(Locale.ROOT).equals("references")) {
                Matcher m = MSG_ID.matcher(h.value());
                while (m.find()) {
                    if (usable(m.group(1))) {
                        references.add(m.group(1));
                    }
                }
                break;
            }
        }
        LinkedHashSet<String> lookup = new LinkedHashSet<>();
        add(lookup, own);
        add(lookup, inReplyTo);
        for (int i = references.size() - 1; i >= 0 && lookup.size() < MAX_LOOKUP; i--) {
            lookup.add(references.get(i));
        }
        LinkedHashSet<String> remember = new LinkedHashSet<>();
        add(remember, own);
        add(remember, inReplyTo);
        if (!references.isEmpty()) {
            remember.add(references.getLast());
            remember.add(references.getFirst());
        }
        return new ThreadKeys(List.copyOf(lookup), List.copyOf(remember));
    }

    private static void add(LinkedHashSet<String> ids, String id) {
        if (id != null) {
            ids.add(id);
        }
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = MSG_ID.matcher(header);
        return m.find() && usable(m.group(1)) ? m.group(1) : null;
    }

    private static boolean usable(String id) {
        return id.length() <= MAX_ID_LENGTH;
    }
}
