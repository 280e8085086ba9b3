package jotmai.imap.protocol;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Every IMAP command this server understands, one record each (RFC 9051 §6 and the extensions listed
 * in the capability). Mailbox names are as the client sent them (modified UTF-7 or UTF-8); the session
 * decodes them because that depends on ENABLE IMAP4rev2.
 */
public sealed interface Command {

    /** The command name for the tagged completion text. */
    String name();

    // ---- any state (RFC 9051 §6.1) ----
    record Capability() implements Command { public String name() { return "CAPABILITY"; } }

    record Noop() implements Command { public String name() { return "NOOP"; } }

    record Logout() implements Command { public String name() { return "LOGOUT"; } }

    /** RFC 2971 ID; empty when the client sent NIL. */
    record Id(Map<String, String> parameters) implements Command { public String name() { return "ID"; } }

    // ---- not authenticated (§6.2) ----
    record StartTls() implements Command { public String name() { return "STARTTLS"; } }

    /** initialResponse: RFC 4959 SASL-IR, "=" meaning empty. */
    record Authenticate(String mechanism, Optional<String> initialResponse) implements Command {
        public String name() { return "AUTHENTICATE"; }
    }

    record Login(String user, String password) implements Command {
        public String name() { return "LOGIN"; }

        @Override
        public String toString() {
            return "Login[user=" + user + "]"; // never the password, not even in a debugger or log
        }
    }

    // ---- authenticated (§6.3) ----
    record Enable(List<String> capabilities) implements Command { public String name() { return "ENABLE"; } }

    /**
     * RFC 7162 §3.2.5 QRESYNC select parameter: the client's last known UIDVALIDITY and MODSEQ, and
     * optionally the UIDs it knows with a sequence-number/UID sample to spot expunges without a list.
     */
    record Qresync(long uidValidity, long modSeq, Optional<SequenceSet> knownUids,
                   Optional<SequenceSet> knownSeqs, Optional<SequenceSet> knownSeqUids) {}

    /** condstore: the CONDSTORE select parameter (RFC 7162 §3.1.8); qresync: RFC 7162 §3.2.5. */
    record Select(String mailbox, boolean readOnly, boolean condstore, Optional<Qresync> qresync) implements Command {
        public Select(String mailbox, boolean readOnly) {
            this(mailbox, readOnly, false, Optional.empty());
        }

        public String name() { return readOnly ? "EXAMINE" : "SELECT"; }
    }

    /** specialUse: RFC 6154 §3 CREATE-SPECIAL-USE "(USE (\Sent))". */
    record Create(String mailbox, List<String> specialUse) implements Command { public String name() { return "CREATE"; } }

    record Delete(String mailbox) implements Command { public String name() { return "DELETE"; } }

    record Rename(String from, String to) implements Command { public String name() { return "RENAME"; } }

    record Subscribe(String mailbox, boolean subscribe) implements Command {
        public String name() { return subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE"; }
    }

    /** LIST selection options (RFC 5258 §3.1). */
    enum ListSelect { SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL_USE }

    /** LIST return options (RFC 5258 §3.2, RFC 6154, RFC 5819 STATUS). */
    record ListReturn(boolean subscribed, boolean children, boolean specialUse, List<StatusItem> status) {
        public static final ListReturn NONE = new ListReturn(false, false, false, List.of());
    }

    /** LIST, or LSUB when {@code lsub}. */
    record ListMailboxes(String reference, List<String> patterns, Set<ListSelect> selection, ListReturn returns,
                         boolean lsub, boolean extended) implements Command {
        public String name() { return lsub ? "LSUB" : "LIST"; }
    }

    record Namespace() implements Command { public String name() { return "NAMESPACE"; } }

    /** MAILBOXID: RFC 8474 §4.2. */
    enum StatusItem { MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, MAILBOXID }

    record Status(String mailbox, List<StatusItem> items) implements Command { public String name() { return "STATUS"; } }

    /** One message of (MULTI)APPEND (RFC 3502). */
    record AppendMessage(List<String> flags, Optional<ZonedDateTime> internalDate, Literal content) {}

    record Append(String mailbox, List<AppendMessage> messages) implements Command { public String name() { return "APPEND"; } }

    record Idle() implements Command { public String name() { return "IDLE"; } }

    // ---- selected (§6.4) ----
    record Check() implements Command { public String name() { return "CHECK"; } }

    record Close() implements Command { public String name() { return "CLOSE"; } }

    record Unselect() implements Command { public String name() { return "UNSELECT"; } }

    /** EXPUNGE, or UID EXPUNGE (RFC 4315 §2.1) when uids is present. */
    record Expunge(Optional<SequenceSet> uids) implements Command {
        public String name() { return uids.isPresent() ? "UID EXPUNGE" : "EXPUNGE"; }
    }

    /** ESEARCH return options (RFC 4731, RFC 5182 SAVE). */
    enum SearchReturn { MIN, MAX, ALL, COUNT, SAVE }

    /**
     * SEARCH. {@code returns} is empty for a plain SEARCH; present (possibly with no options, meaning
     * ALL) for "SEARCH RETURN (...)".
     */
    record Search(boolean uid, Optional<Set<SearchReturn>> returns, String charset, SearchKey key) implements Command {
        public String name() { return uid ? "UID SEARCH" : "SEARCH"; }
    }

    /** changedSince, vanished: RFC 7162 §3.1.4 CHANGEDSINCE and §3.2.6 VANISHED fetch modifiers. */
    record Fetch(boolean uid, SequenceSet set, List<FetchItem> items, OptionalLong changedSince, boolean vanished)
            implements Command {
        public Fetch(boolean uid, SequenceSet set, List<FetchItem> items) {
            this(uid, set, items, OptionalLong.empty(), false);
        }

        public String name() { return uid ? "UID FETCH" : "FETCH"; }
    }

    enum StoreMode { REPLACE, ADD, REMOVE }

    /** unchangedSince: RFC 7162 §3.1.3 UNCHANGEDSINCE store modifier. */
    record Store(boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags,
                 OptionalLong unchangedSince) implements Command {
        public Store(boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags) {
            this(uid, set, mode, silent, flags, OptionalLong.empty());
        }

        public String name() { return uid ? "UID STORE" : "STORE"; }
    }

    /** COPY, or MOVE (RFC 6851) when {@code move}. */
    record Copy(boolean uid, SequenceSet set, String mailbox, boolean move) implements Command {
        public String name() { return (uid ? "UID " : "") + (move ? "MOVE" : "COPY"); }
    }

    // ---- RFC 9208 QUOTA ----
    record GetQuotaRoot(String mailbox) implements Command { public String name() { return "GETQUOTAROOT"; } }

    record GetQuota(String root) implements Command { public String name() { return "GETQUOTA"; } }

    /** RFC 9208 §4.1.3: resource name (upper case) to its new limit; empty removes every limit. */
    record SetQuota(String root, Map<String, Long> limits) implements Command {
        public String name() { return "SETQUOTA"; }
    }

    // ---- RFC 5256 SORT and THREAD, RFC 5957 SORT=DISPLAY ----
    enum SortCriterion { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }

    record SortKey(SortCriterion criterion, boolean reverse) {}

    /**
     * SORT; {@code returns} is empty for a plain SORT (RFC 5256) and present for ESORT's
     * "SORT RETURN (...)" (RFC 5267 §3; no options means ALL, as in ESEARCH).
     */
    record Sort(boolean uid, Optional<Set<SearchReturn>> returns, List<SortKey> criteria, String charset, SearchKey key)
            implements Command {
        public String name() { return uid ? "UID SORT" : "SORT"; }
    }

    enum ThreadAlgorithm { ORDEREDSUBJECT, REFERENCES }

    record Thread(boolean uid, ThreadAlgorithm algorithm, String charset, SearchKey key) implements Command {
        public String name() { return uid ? "UID THREAD" : "THREAD"; }
    }

    // ---- RFC 5464 METADATA ----
    enum MetadataDepth { ZERO, ONE, INFINITY }

    /** GETMETADATA [(MAXSIZE n DEPTH d)] mailbox entries; mailbox "" names the server (§4.2). */
    record GetMetadata(String mailbox, List<String> entries, OptionalLong maxSize, MetadataDepth depth)
            implements Command {
        public String name() { return "GETMETADATA"; }
    }

    /**
     * One entry of SETMETADATA. value null with size 0: NIL (delete); value null with size &gt; 0: a
     * literal too large to keep in memory (answered with [METADATA MAXSIZE]).
     */
    record MetadataValue(String entry, byte[] value, long size) {}

    record SetMetadata(String mailbox, List<MetadataValue> values) implements Command {
        public String name() { return "SETMETADATA"; }
    }

    // ---- RFC 4978 COMPRESS ----
    /** mechanism: upper-cased; only DEFLATE exists. */
    record Compress(String mechanism) implements Command { public String name() { return "COMPRESS"; } }
    // ---- RFC 4314 ACL ----
    /** rights: as sent, with an optional leading "+" (add) or "-" (remove), RFC 4314 §3.1. */
    record SetAcl(String mailbox, String identifier, String rights) implements Command {
        public String name() { return "SETACL"; }
    }

    record DeleteAcl(String mailbox, String identifier) implements Command { public String name() { return "DELETEACL"; } }

    record GetAcl(String mailbox) implements Command { public String name() { return "GETACL"; } }

    record ListRights(String mailbox, String identifier) implements Command { public String name() { return "LISTRIGHTS"; } }

    record MyRights(String mailbox) implements Command { public String name() { return "MYRIGHTS"; } }

    /** RFC 5465 §3.1 NOTIFY SET [STATUS] groups, or NOTIFY NONE (no groups). */
    record Notify(boolean status, List<NotifySpec.Group> groups) implements Command {
        public String name() { return "NOTIFY"; }
    }

    /**
     * Whether EXPUNGE responses may be sent while answering this command: not during FETCH, STORE,
     * SEARCH (RFC 9051 §7.4.1), nor COPY/MOVE with sequence numbers, so that numbers in pipelined
     * commands keep their meaning. The UID forms may.
     */
    default boolean allowsExpungeResponses() {
        return switch (this) {
            case Fetch f -> f.uid();
            case Store s -> s.uid();
            case Search s -> s.uid();
            case Copy c -> c.uid();
            case Sort s -> s.uid();
            case Thread t -> t.uid();
            default -> true;
        };
    }
}
