package jotmai.imap;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;

import jotmai.imap.protocol.SearchKey;
import jotmai.store.MailStore;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;

/**
 * The text keys of one SEARCH (RFC 9051 §6.4.4 BODY, TEXT, SUBJECT/HEADER) looked up once in the store's
 * text index ({@link MailStore#searchText}), so the per-message test only scans what the index cannot
 * decide. BODY and TEXT answers are exact for indexed messages; header answers only narrow (the index
 * holds whole "Name: value" lines), and address keys (FROM/TO/CC/BCC also match the parsed address, see
 * {@code SearchCommand.addressMatches}) are never looked up.
 */
final class TextLookups {

    /** What the index says about one message for one key. */
    enum Decision { MATCH, NO_MATCH, SCAN }

    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "to", "cc", "bcc");

    private final Map<SearchKey, TextMatches> results = new IdentityHashMap<>();

    private TextLookups() {}

    static TextLookups resolve(MailStore mail, long mailboxId, SearchKey root) {
        TextLookups lookups = new TextLookups();
        lookups.collect(mail, mailboxId, root);
        return lookups;
    }

    private void collect(MailStore mail, long mailboxId, SearchKey key) {
        switch (key) {
            case SearchKey.Body b -> mail.searchText(mailboxId, TextField.BODY, b.text())
                    .ifPresent(r -> results.put(key, r));
            case SearchKey.Text t -> mail.searchText(mailboxId, TextField.ALL, t.text())
                    .ifPresent(r -> results.put(key, r));
            case SearchKey.Header h when !h.value().isEmpty()
                    && !ADDRESS_FIELDS.contains(h.field().toLowerCase(Locale.ROOT)) ->
                    mail.searchText(mailboxId, TextField.HEADERS, h.value()).ifPresent(r -> results.put(key, r));
            case SearchKey.Not n -> collect(mail, mailboxId, n.key());
            case SearchKey.Or o -> {
                collect(mail, mailboxId, o.left());
                collect(mail, mailboxId, o.right());
            }
            case SearchKey.And a -> a.keys().forEach(k -> collect(mail, mailboxId, k));
            default -> { }
        }
    }

    /** The index's decision for {@code uid} under this exact key object. */
    Decision decide(SearchKey key, long uid) {
        TextMatches r = results.get(key);
        if (r == null) {
            return Decision.SCAN;
        }
        if (r.unverified().contains(uid)) {
            return Decision.SCAN;
        }
        boolean indexed = r.matches().contains(uid);
        if (key instanceof SearchKey.Header) {
            return indexed ? Decision.SCAN : Decision.NO_MATCH; // a candidate: the field still must match
        }
        return indexed ? Decision.MATCH : Decision.NO_MATCH;
    }

    /**
     * UIDs outside which nothing can match: the candidates of the most selective looked-up key that the
     * whole search requires (the root key or a member of the root AND). Empty: every message may match.
     */
    Optional<UidSet> restriction(SearchKey root) {
        List<SearchKey> required = root instanceof SearchKey.And a ? a.keys() : List.of(root);
        TextMatches best = null;
        for (SearchKey k : required) {
            TextMatches r = results.get(k);
            if (r != null && (best == null
                    || r.matches().count() + r.unverified().count() < best.matches().count() + best.unverified().count())) {
                best = r;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        long[] uids = LongStream.concat(best.matches().stream(), best.unverified().stream()).sorted().toArray();
        return Optional.of(UidSet.of(uids));
    }
}
