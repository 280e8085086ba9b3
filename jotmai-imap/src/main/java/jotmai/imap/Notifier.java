package jotmai.imap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.NotifySpec;
import jotmai.imap.protocol.NotifySpec.Event;
import jotmai.imap.protocol.NotifySpec.Filter;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.SequenceSet;
import jotmai.store.Account;
import jotmai.store.ChangeBus;
import jotmai.store.Mailbox;
import jotmai.store.MailboxStatus;
import jotmai.store.MetadataStore;
import jotmai.store.Rights;
import jotmai.store.StoreException;

/**
 * One session's RFC 5465 NOTIFY SET: which mailboxes it watches for which events, and turning bus rings
 * into unsolicited STATUS, LIST and (for the selected mailbox) EXISTS/EXPUNGE/FETCH responses.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>The bus only rings (STYLE.md §3.1 principle 8). Listeners, on other threads, only add the rung
 *       key to {@link #rung} and call the {@link #doorbell}; the session thread reads the store and
 *       writes (single writer). The rung set holds at most the watched keys: memory is bounded.</li>
 *   <li>Pull and compare: for a rung mailbox the session reads its STATUS counters and compares them
 *       with the last ones it knows; for a rung mailbox list it reads the list and the subscriptions
 *       and compares names by mailbox id (a rename keeps the id), which gives create, delete, rename
 *       (with OLDNAME, RFC 5465 §5.4) and subscription changes (§5.5). Lost or coalesced rings heal.</li>
 *   <li>Changes this session made itself are not announced (§5 SHOULD): after its own CREATE, DELETE,
 *       RENAME, (UN)SUBSCRIBE, APPEND, COPY and MOVE it takes a new snapshot without writing.</li>
 *   <li>A session without NOTIFY has no Notifier and pays nothing.</li>
 * </ul>
 */
final class Notifier implements AutoCloseable {
    /** RFC 5465 §5.8: more watched mailboxes than this is refused with [NOTIFICATIONOVERFLOW]. */
    static final int MAX_WATCHED_MAILBOXES = 1_000;
    /** Events this server can deliver (RFC 5465 §3.1 BADEVENT lists them). */
    static final List<Event> SUPPORTED = List.of(Event.MESSAGE_NEW, Event.MESSAGE_EXPUNGE, Event.FLAG_CHANGE,
            Event.MAILBOX_NAME, Event.SUBSCRIPTION_CHANGE, Event.MAILBOX_METADATA_CHANGE, Event.SERVER_METADATA_CHANGE);

    /** A non-selected mailbox being watched, with the counters last reported or seen. */
    private static final class Watched {
        final long id;
        String name;
        NotifySpec.Group group;
        MailboxStatus last;

        Watched(long id, String name, NotifySpec.Group group) {
            this.id = id;
            this.name = name;
            this.group = group;
        }
    }

    private final SessionContext ctx;
    private final ChangeBus bus;
    private final MetadataStore metadata;
    /** METADATA entry name to value hash per mailbox id ({@link MetadataStore#SERVER} for the server). */
    private Map<Long, Map<String, Integer>> lastMetadata = Map.of();
    private final Account account;
    private final List<NotifySpec.Group> groups;
    private final Optional<NotifySpec.Group> selectedGroup;
    private final Set<Long> rung = ConcurrentHashMap.newKeySet();
    private final Map<Long, ChangeBus.Subscription> subscriptions = new HashMap<>();
    private volatile Runnable doorbell = () -> {};
    private Map<Long, Watched> watched = new LinkedHashMap<>();
    /** mailbox id to visible name, and the subscription list, as last seen (for §5.4/§5.5 diffs). */
    private Map<Long, String> lastNames = Map.of();
    private Set<String> lastSubscriptions = Set.of();
    private long selectedWatched;

    private Notifier(SessionContext ctx, ChangeBus bus, MetadataStore metadata, Account account,
                     List<NotifySpec.Group> groups) {
        this.ctx = ctx;
        this.bus = bus;
        this.metadata = metadata;
        this.account = account;
        this.groups = groups;
        this.selectedGroup = groups.stream().filter(g -> g.filter() instanceof Filter.Selected).findFirst();
    }

    /**
     * RFC 5465 §3.1 NOTIFY SET: checks the events, resolves the mailboxes, subscribes and, with STATUS,
     * reports each watched mailbox. Throws NO [BADEVENT] or NO [NOTIFICATIONOVERFLOW] before anything
     * is subscribed. Returns whether some named mailbox was ignored (missing or not accessible).
     */
    static Notifier start(SessionContext ctx, ChangeBus bus, MetadataStore metadata, Account account,
                          Command.Notify command) {
        for (NotifySpec.Group g : command.groups()) {
            boolean unsupported = !g.unknownEvents().isEmpty() || g.events().stream().anyMatch(e -> !SUPPORTED.contains(e));
            if (unsupported) {
                throw new ImapException.No(new ResponseCode("BADEVENT",
                        "(" + String.join(" ", SUPPORTED.stream().map(Event::wireName).toList()) + ")"),
                        "unsupported event");
            }
        }
        Notifier n = new Notifier(ctx, bus, metadata, account, command.groups());
        try {
            n.subscribeLists();
            n.resolve(command.status(), true);
            n.lastMetadata = n.readMetadata();
        } catch (RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** Whether some mailbox named in MAILBOXES/SUBTREE does not exist for this user (answered [CLIENTBUG]). */
    boolean namesMissing() {
        for (NotifySpec.Group g : groups) {
            List<String> names = switch (g.filter()) {
                case Filter.Subtree s -> s.mailboxes();
                case Filter.Mailboxes m -> m.mailboxes();
                default -> List.of();
            };
            for (String wire : names) {
                if (!lastNames.containsValue(storeName(wire))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Who to wake when a watched key rings (the session's wait queue); set before checking {@link #pending}. */
    void doorbell(Runnable r) {
        this.doorbell = r == null ? () -> {} : r;
    }

    boolean pending() {
        return !rung.isEmpty();
    }

    /**
     * Writes what changed since the last call (RFC 5465 §4: only between commands or during IDLE).
     * For the selected mailbox with SELECTED/SELECTED-DELAYED message events, the usual {@link ChangeSync}
     * runs (EXPUNGE withheld for SELECTED-DELAYED, §6.1.2) followed by the MessageNew FETCH (§5.2).
     */
    void deliver(SessionState state, ChangeSync sync, FetchCommand fetch, boolean inIdle) {
        watchSelected(state);
        // a list change may add mailboxes to look at in the same delivery: a bounded second pass
        for (int pass = 0; pass < 3 && !rung.isEmpty(); pass++) {
            deliverOnce(state, sync, fetch, inIdle);
        }
    }

    private void deliverOnce(SessionState state, ChangeSync sync, FetchCommand fetch, boolean inIdle) {
        Set<Long> keys = new HashSet<>(rung);
        rung.removeAll(keys);
        if (keys.stream().anyMatch(k -> k < 0)) {
            listChanged(true);
        }
        if (state instanceof SessionState.Selected sel && keys.contains(sel.view().mailboxId) && selectedGroup.isPresent()
                && !selectedGroup.get().events().isEmpty()) {
            syncSelected(sel, sync, fetch, inIdle || !((Filter.Selected) selectedGroup.get().filter()).delayed());
        }
        long selectedId = state instanceof SessionState.Selected sel ? sel.view().mailboxId : 0;
        for (long key : keys) {
            Watched w = watched.get(key);
            if (key > 0 && key != selectedId && w != null) {
                statusChanged(w);
            } else if (key > 0 && w != null) {
                refreshQuietly(w); // the selected mailbox speaks through EXISTS/FETCH; keep its counters current
            }
        }
    }

    /** After this session's own command changed mailboxes: new snapshot, nothing written (§5 SHOULD). */
    void absorbOwn(Command command) {
        switch (command) {
            case Command.Create c -> listChanged(false);
            case Command.Delete d -> listChanged(false);
            case Command.Rename r -> listChanged(false);
            case Command.Subscribe s -> listChanged(false);
            case Command.SetMetadata m -> lastMetadata = readMetadata();
            case Command.Append a -> refresh(a.mailbox());
            case Command.Copy c -> refresh(c.mailbox());
            default -> { }
        }
    }

    @Override
    public void close() {
        subscriptions.values().forEach(ChangeBus.Subscription::close);
        subscriptions.clear();
        rung.clear();
    }

    // ---- internals ----

    private void ring(long key) {
        rung.add(key);
        doorbell.run();
    }

    private void subscribe(long key) {
        subscriptions.computeIfAbsent(key, k -> bus.subscribe(k, () -> ring(k)));
    }

    private void unsubscribe(long key) {
        ChangeBus.Subscription s = subscriptions.remove(key);
        if (s != null) {
            s.close();
        }
        rung.remove(key);
    }

    private boolean hasOtherGroups() {
        return groups.stream().anyMatch(g -> !(g.filter() instanceof Filter.Selected));
    }

    private void subscribeLists() {
        if (hasOtherGroups()) {
            subscribe(ChangeBus.mailboxListKey(account.id()));
        }
    }

    /** The selected mailbox is watched through SELECTED/SELECTED-DELAYED only (RFC 5465 §6.1). */
    private void watchSelected(SessionState state) {
        long now = state instanceof SessionState.Selected sel && selectedGroup.isPresent()
                && !selectedGroup.get().events().isEmpty() ? sel.view().mailboxId : 0;
        if (now == selectedWatched) {
            return;
        }
        if (selectedWatched != 0 && !watched.containsKey(selectedWatched)) {
            unsubscribe(selectedWatched);
        }
        selectedWatched = now;
        if (now != 0) {
            subscribe(now);
            rung.add(now); // changes between SELECT and this subscription: pull once
        }
    }

    private void syncSelected(SessionState.Selected sel, ChangeSync sync, FetchCommand fetch, boolean allowExpunge) {
        MailboxView view = sel.view();
        long maxUid = view.maxUid();
        sync.sync(view, allowExpunge);
        List<jotmai.imap.protocol.FetchItem> items = selectedGroup.get().messageNewItems();
        if (!items.isEmpty() && view.maxUid() > maxUid) {
            // RFC 5465 §5.2: EXISTS, then FETCH with what the client asked for
            fetch.fetch(sel, new Command.Fetch(true, SequenceSet.of(maxUid + 1, view.maxUid()), items,
                    java.util.OptionalLong.empty(), false));
        }
    }

    /** A visible mailbox: own, or another user's with its rights (RFC 4314). */
    private record Visible(Mailbox mailbox, String name, boolean own) {}

    private List<Visible> visibleMailboxes() {
        List<Visible> all = new ArrayList<>();
        for (Mailbox m : ctx.mail.mailboxes(account.id())) {
            all.add(new Visible(m, m.name(), true));
        }
        if (groups.stream().anyMatch(g -> g.filter() instanceof Filter.Subtree || g.filter() instanceof Filter.Mailboxes
                || g.filter() instanceof Filter.Subscribed)) {
            for (Mailbox m : ctx.shared.listable(account)) {
                all.add(new Visible(m, m.name(), false));
            }
        }
        return all;
    }

    /** The first group (in command order) whose filter names the mailbox (RFC 5465 §6); selected excluded. */
    private Optional<NotifySpec.Group> groupFor(String name, boolean own, Set<String> subscribed) {
        for (NotifySpec.Group g : groups) {
            boolean matches = switch (g.filter()) {
                case Filter.Selected s -> false;
                case Filter.Inboxes i -> own && name.equals(Mailbox.INBOX); // deliveries go to INBOX only
                case Filter.Personal p -> own;
                case Filter.Subscribed s -> subscribed.contains(name);
                case Filter.Subtree s -> s.mailboxes().stream().map(this::storeName)
                        .anyMatch(root -> name.equals(root) || name.startsWith(root + Mailbox.DELIMITER));
                case Filter.Mailboxes m -> m.mailboxes().stream().map(this::storeName).anyMatch(name::equals);
            };
            if (matches) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    private static boolean hasMessageEvents(NotifySpec.Group g) {
        return g.events().stream().anyMatch(Event::isMessageEvent);
    }

    /**
     * Reads the visible mailboxes and subscriptions, recomputes the watched set (§6.4: SUBSCRIBED follows
     * the subscription list) and, when {@code initial}, reports STATUS if asked (§3.1).
     */
    private void resolve(boolean reportStatus, boolean initial) {
        List<Visible> visible = visibleMailboxes();
        Set<String> subscribed = ctx.mail.subscriptions(account.id());
        Map<Long, String> names = new LinkedHashMap<>();
        Map<Long, Watched> next = new LinkedHashMap<>();
        Set<Long> owners = new HashSet<>();
        for (Visible v : visible) {
            names.put(v.mailbox().id(), v.name());
            Optional<NotifySpec.Group> g = groupFor(v.name(), v.own(), subscribed);
            if (g.isEmpty() || !hasMessageEvents(g.get())) {
                continue;
            }
            if (!v.own()) {
                owners.add(v.mailbox().accountId());
                Rights rights = ctx.shared.acl().rights(v.mailbox().id(), account);
                if (!rights.has('r')) {
                    // RFC 5465 §3.1: listable but not readable: say so once, do not watch
                    if (initial) {
                        ctx.out.star().atom("LIST (\\NoAccess) \"/\" ").astring(ctx.wireName(v.name())).crlf();
                    }
                    continue;
                }
            }
            Watched w = watched.getOrDefault(v.mailbox().id(), new Watched(v.mailbox().id(), v.name(), g.get()));
            if (!initial && w.last == null && !lastNames.containsKey(w.id)) {
                // created since the last look: compare with an empty mailbox, so that a message appended
                // right after the CREATE (before this session read the list) is still announced
                Mailbox m = v.mailbox();
                w.last = new MailboxStatus(0, 0, 0, 0, 1, m.uidValidity(), m.highestModSeq());
                rung.add(w.id);
            }
            w.name = v.name();
            w.group = g.get();
            next.put(w.id, w);
        }
        if (next.size() > MAX_WATCHED_MAILBOXES) {
            throw new ImapException.No(ResponseCode.of("NOTIFICATIONOVERFLOW"), "too many mailboxes to watch");
        }
        for (long id : watched.keySet()) {
            if (!next.containsKey(id) && id != selectedWatched) {
                unsubscribe(id);
            }
        }
        for (long owner : owners) {
            subscribe(ChangeBus.mailboxListKey(owner)); // other users' renames and deletes (RFC 5465 §5.4)
        }
        watched = next;
        lastNames = names;
        lastSubscriptions = subscribed;
        for (Watched w : next.values()) {
            subscribe(w.id);
            if (w.last == null) {
                try {
                    w.last = ctx.mail.status(w.id);
                } catch (StoreException.NotFound e) {
                    continue; // deleted meanwhile: the list ring follows
                }
                if (initial && reportStatus) {
                    writeStatus(w, w.last);
                }
            }
        }
    }

    /** RFC 5465 §5.4 MailboxName and §5.5 SubscriptionChange, by comparing the list with the last one. */
    private void listChanged(boolean announce) {
        Map<Long, String> before = lastNames;
        Set<String> subsBefore = lastSubscriptions;
        try {
            resolve(false, false);
        } catch (ImapException.No overflow) {
            // RFC 5465 §5.8: too many now; stop as if NOTIFY NONE had been received
            close();
            watched = new LinkedHashMap<>();
            ctx.out.untaggedOk(ResponseCode.of("NOTIFICATIONOVERFLOW"), "notifications stopped");
            overflowed = true;
            return;
        }
        Map<Long, Map<String, Integer>> metaBefore = lastMetadata;
        lastMetadata = readMetadata();
        if (!announce) {
            return;
        }
        announceMetadata(metaBefore);
        Set<String> subscribed = lastSubscriptions;
        for (Map.Entry<Long, String> e : lastNames.entrySet()) {
            String old = before.get(e.getKey());
            String now = e.getValue();
            if (old == null) {
                announceName(now, null, subscribed);
            } else if (!old.equals(now)) {
                announceName(now, old, subscribed);
            }
        }
        for (Map.Entry<Long, String> e : before.entrySet()) {
            if (!lastNames.containsKey(e.getKey())) {
                if (wants(e.getValue(), Event.MAILBOX_NAME, subsBefore)) {
                    // RFC 5465 §5.4: a deleted (or no longer accessible) name gets \NonExistent
                    ctx.out.star().atom("LIST (\\NonExistent) \"/\" ").astring(ctx.wireName(e.getValue())).crlf();
                }
            }
        }
        Set<String> changed = new java.util.TreeSet<>();
        for (String s : subscribed) {
            if (!subsBefore.contains(s)) {
                changed.add(s);
            }
        }
        for (String s : subsBefore) {
            if (!subscribed.contains(s) && lastNames.containsValue(s)) {
                changed.add(s);
            }
        }
        for (String name : changed) {
            // a rename carries its subscription along: announced with the rename already
            boolean renamed = lastNames.containsValue(name) && !before.containsValue(name);
            if (!renamed && (wants(name, Event.SUBSCRIPTION_CHANGE, subscribed)
                    || wants(name, Event.SUBSCRIPTION_CHANGE, subsBefore))) {
                writeList(name, null, subscribed.contains(name));
            }
        }
    }

    /**
     * The METADATA entries of the mailboxes whose group asks for MailboxMetadataChange, and of the
     * server when a group asks for ServerMetadataChange (RFC 5465 §5.6-5.7); empty otherwise.
     */
    private Map<Long, Map<String, Integer>> readMetadata() {
        Map<Long, Map<String, Integer>> all = new HashMap<>();
        if (groups.stream().anyMatch(g -> g.has(Event.SERVER_METADATA_CHANGE))) {
            all.put(MetadataStore.SERVER, hashes(metadata.entries(account.id(), MetadataStore.SERVER)));
        }
        if (groups.stream().anyMatch(g -> g.has(Event.MAILBOX_METADATA_CHANGE))) {
            for (Map.Entry<Long, String> e : lastNames.entrySet()) {
                if (wants(e.getValue(), Event.MAILBOX_METADATA_CHANGE, lastSubscriptions)) {
                    all.put(e.getKey(), hashes(metadata.entries(account.id(), e.getKey())));
                }
            }
        }
        return all;
    }

    private static Map<String, Integer> hashes(List<MetadataStore.Entry> entries) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        for (MetadataStore.Entry e : entries) {
            m.put(e.name(), java.util.Arrays.hashCode(e.value()));
        }
        return m;
    }

    /** RFC 5464 §4.4.2 unsolicited METADATA with the names of changed (set or removed) entries only. */
    private void announceMetadata(Map<Long, Map<String, Integer>> before) {
        for (Map.Entry<Long, Map<String, Integer>> e : lastMetadata.entrySet()) {
            Map<String, Integer> was = before.get(e.getKey());
            if (was == null) {
                continue; // newly watched: nothing to compare with
            }
            java.util.TreeSet<String> changed = new java.util.TreeSet<>();
            e.getValue().forEach((name, hash) -> {
                if (!hash.equals(was.get(name))) {
                    changed.add(name);
                }
            });
            was.keySet().stream().filter(n -> !e.getValue().containsKey(n)).forEach(changed::add);
            if (changed.isEmpty()) {
                continue;
            }
            String mailbox = e.getKey() == MetadataStore.SERVER ? "" : ctx.wireName(lastNames.get(e.getKey()));
            ctx.out.star().atom("METADATA ").astring(mailbox);
            for (String name : changed) {
                ctx.out.sp().astring(name);
            }
            ctx.out.crlf();
        }
    }

    /** Set once §5.8 overflow stopped notifications (the session then drops this Notifier). */
    private boolean overflowed;

    boolean overflowed() {
        return overflowed;
    }

    private void announceName(String name, String oldName, Set<String> subscribed) {
        if (wants(name, Event.MAILBOX_NAME, subscribed) || (oldName != null && wants(oldName, Event.MAILBOX_NAME, subscribed))) {
            writeList(name, oldName, subscribed.contains(name));
        }
    }

    private boolean wants(String name, Event event, Set<String> subscribed) {
        boolean own = !SharedNamespace.inSharedNamespace(name);
        return groupFor(name, own, subscribed).filter(g -> g.has(event)).isPresent();
    }

    /** An extended LIST response (RFC 5258 §3; OLDNAME RFC 5465 §5.4, \Subscribed §5.5). */
    private void writeList(String name, String oldName, boolean subscribed) {
        boolean children = lastNames.values().stream().anyMatch(n -> n.startsWith(name + Mailbox.DELIMITER));
        List<String> attrs = new ArrayList<>();
        if (!lastNames.containsValue(name)) {
            attrs.add("\\NonExistent");
        } else {
            attrs.add(children ? "\\HasChildren" : "\\HasNoChildren");
        }
        if (subscribed) {
            attrs.add("\\Subscribed");
        }
        ctx.out.star().atom("LIST (").atom(String.join(" ", attrs)).atom(") \"/\" ").astring(ctx.wireName(name));
        if (oldName != null) {
            ctx.out.atom(" (\"OLDNAME\" (").astring(ctx.wireName(oldName)).atom("))");
        }
        ctx.out.crlf();
    }

    /** RFC 5465 §5.1-§5.3 for a mailbox other than the selected one: STATUS when a wanted counter moved. */
    private void statusChanged(Watched w) {
        MailboxStatus now;
        try {
            now = ctx.mail.status(w.id);
        } catch (StoreException.NotFound e) {
            return; // deleted: the list ring reports it
        }
        MailboxStatus before = w.last;
        w.last = now;
        if (before == null) {
            return;
        }
        boolean validity = now.uidValidity() != before.uidValidity();
        long added = Math.max(0, now.uidNext() - before.uidNext());
        boolean isNew = added > 0;
        boolean expunged = now.messages() < before.messages() + added;
        boolean flags = now.highestModSeq() != before.highestModSeq();
        if (validity || (isNew && w.group.has(Event.MESSAGE_NEW)) || (expunged && w.group.has(Event.MESSAGE_EXPUNGE))
                || (flags && w.group.has(Event.FLAG_CHANGE))) {
            writeStatus(w, now);
        }
    }

    private void refreshQuietly(Watched w) {
        try {
            w.last = ctx.mail.status(w.id);
        } catch (StoreException.NotFound ignored) {
            // the list ring reports it
        }
    }

    /** A name from the NOTIFY command in store form (INBOX in any case is INBOX, RFC 9051 §5.1). */
    private String storeName(String wire) {
        return MailboxNames.normalizeInbox(ctx.storeNameLenient(wire));
    }

    /**
     * Takes fresh counters of a watched mailbox without writing (after own APPEND/COPY/MOVE to it). The
     * bus rings after the writer completed the call, so the ring may still come: it then finds nothing new.
     */
    private void refresh(String wireName) {
        String name = storeName(wireName);
        for (Watched w : watched.values()) {
            if (w.name.equals(name)) {
                refreshQuietly(w);
            }
        }
    }

    /**
     * The STATUS items the group's events call for (RFC 5465 §3.1, §5.1-§5.3): MessageNew MESSAGES,
     * UIDNEXT and UIDVALIDITY; MessageExpunge MESSAGES; FlagChange UIDVALIDITY and HIGHESTMODSEQ; and
     * HIGHESTMODSEQ with every one once CONDSTORE or QRESYNC is enabled.
     */
    private void writeStatus(Watched w, MailboxStatus s) {
        boolean isNew = w.group.has(Event.MESSAGE_NEW);
        boolean flags = w.group.has(Event.FLAG_CHANGE);
        List<String> items = new ArrayList<>();
        if (isNew || w.group.has(Event.MESSAGE_EXPUNGE)) {
            items.add("MESSAGES " + s.messages());
        }
        if (isNew) {
            items.add("UIDNEXT " + s.uidNext());
        }
        if (isNew || flags) {
            items.add("UIDVALIDITY " + s.uidValidity());
        }
        if (flags || ctx.condstore()) {
            items.add("HIGHESTMODSEQ " + s.highestModSeq());
        }
        ctx.out.star().atom("STATUS ").astring(ctx.wireName(w.name)).atom(" (").atom(String.join(" ", items)).close()
                .crlf();
    }
}
