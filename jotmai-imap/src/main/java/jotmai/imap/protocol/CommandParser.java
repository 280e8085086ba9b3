package jotmai.imap.protocol;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Recursive-descent parser from a {@link RawCommand} to a {@link Command} (grammar: RFC 9051 §9, plus
 * RFC 3502 MULTIAPPEND, RFC 4731 ESEARCH, RFC 5258 LIST-EXTENDED, RFC 6154, RFC 2971 ID). Pure: no
 * session state; what is valid in which state is the session's business. Syntax errors are
 * {@link ImapException.Bad} with [PARSE].
 */
public final class CommandParser {

    private CommandParser() {}

    /** A parsed command with its tag. */
    public record Request(String tag, Command command) {}

    public static Request parse(RawCommand raw) {
        Tokens t = new Tokens(raw);
        boolean ok = false;
        try {
            String tag = t.chars(c -> Chars.isAstringChar(c) && c != '+', "a tag");
            t.sp();
            String name = t.atom().toUpperCase(Locale.ROOT);
            Command command = command(name, t);
            t.expectEnd();
            ok = true;
            return new Request(tag, command);
        } finally {
            if (!ok) {
                t.taken().forEach(Literal::close);
            }
        }
    }

    /**
     * The mailbox name of an APPEND whose first line, up to its first literal, is {@code lineStart}; empty
     * for any other command and when the name is not on that line (a literal name) or does not parse.
     * Lets the session refuse an APPEND to a missing mailbox before the client uploads the message.
     */
    public static Optional<String> appendMailbox(String lineStart) {
        Tokens t = new Tokens(new RawCommand("*", List.of(new RawCommand.Part.Text(lineStart))));
        try {
            t.chars(c -> Chars.isAstringChar(c) && c != '+', "a tag");
            t.sp();
            if (!t.atom().equalsIgnoreCase("APPEND")) {
                return Optional.empty();
            }
            String mailbox = mailboxArg(t);
            return t.peek() == ' ' ? Optional.of(mailbox) : Optional.empty();
        } catch (ImapException e) {
            return Optional.empty();
        }
    }

    private static Command command(String name, Tokens t) {
        return switch (name) {
            case "CAPABILITY" -> new Command.Capability();
            case "NOOP" -> new Command.Noop();
            case "LOGOUT" -> new Command.Logout();
            case "STARTTLS" -> new Command.StartTls();
            case "ID" -> id(t);
            case "AUTHENTICATE" -> authenticate(t);
            case "LOGIN" -> {
                t.sp();
                String user = t.astring();
                t.sp();
                yield new Command.Login(user, t.astring());
            }
            case "ENABLE" -> {
                List<String> caps = new ArrayList<>();
                do {
                    t.sp();
                    caps.add(t.atom().toUpperCase(Locale.ROOT));
                } while (t.peek() == ' ');
                yield new Command.Enable(caps);
            }
            case "SELECT", "EXAMINE" -> select(t, name.equals("EXAMINE"));
            case "CREATE" -> create(t);
            case "DELETE" -> new Command.Delete(mailboxArg(t));
            case "RENAME" -> {
                String from = mailboxArg(t);
                yield new Command.Rename(from, mailboxArg(t));
            }
            case "SUBSCRIBE" -> new Command.Subscribe(mailboxArg(t), true);
            case "UNSUBSCRIBE" -> new Command.Subscribe(mailboxArg(t), false);
            case "LIST" -> list(t);
            case "LSUB" -> {
                String ref = mailboxArg(t);
                t.sp();
                yield new Command.ListMailboxes(ref, List.of(t.listMailbox()), Set.of(), Command.ListReturn.NONE,
                        true, false);
            }
            case "NAMESPACE" -> new Command.Namespace();
            case "GETQUOTAROOT" -> new Command.GetQuotaRoot(mailboxArg(t));
            case "GETQUOTA" -> new Command.GetQuota(mailboxArg(t));
            case "SETQUOTA" -> {
                String root = mailboxArg(t);
                t.sp();
                yield new Command.SetQuota(root, setQuotaList(t));
            }
            case "GETMETADATA" -> MetadataParser.get(t);
            case "SETMETADATA" -> MetadataParser.set(t);
            case "COMPRESS" -> {
                t.sp();
                yield new Command.Compress(t.atom().toUpperCase(Locale.ROOT));
            }
            case "SETACL" -> { // RFC 4314 §3.1
                String mailbox = mailboxArg(t);
                String identifier = mailboxArg(t);
                yield new Command.SetAcl(mailbox, identifier, mailboxArg(t));
            }
            case "DELETEACL" -> {
                String mailbox = mailboxArg(t);
                yield new Command.DeleteAcl(mailbox, mailboxArg(t));
            }
            case "GETACL" -> new Command.GetAcl(mailboxArg(t));
            case "LISTRIGHTS" -> {
                String mailbox = mailboxArg(t);
                yield new Command.ListRights(mailbox, mailboxArg(t));
            }
            case "MYRIGHTS" -> new Command.MyRights(mailboxArg(t));
            case "NOTIFY" -> NotifyParser.notify(t); // RFC 5465
            case "STATUS" -> {
                String mailbox = mailboxArg(t);
                t.sp();
                yield new Command.Status(mailbox, statusItems(t));
            }
            case "APPEND" -> append(t);
            case "IDLE" -> new Command.Idle();
            case "CHECK" -> new Command.Check();
            case "CLOSE" -> new Command.Close();
            case "UNSELECT" -> new Command.Unselect();
            case "EXPUNGE" -> new Command.Expunge(Optional.empty());
            case "SEARCH" -> search(t, false);
            case "SORT" -> SortParser.sort(t, false);
            case "THREAD" -> SortParser.thread(t, false);
            case "FETCH" -> fetch(t, false);
            case "STORE" -> store(t, false);
            case "COPY" -> copy(t, false, false);
            case "MOVE" -> copy(t, false, true);
            case "UID" -> {
                t.sp();
                String sub = t.atom().toUpperCase(Locale.ROOT);
                yield switch (sub) {
                    case "FETCH" -> fetch(t, true);
                    case "STORE" -> store(t, true);
                    case "SEARCH" -> search(t, true);
                    case "SORT" -> SortParser.sort(t, true);
                    case "THREAD" -> SortParser.thread(t, true);
                    case "COPY" -> copy(t, true, false);
                    case "MOVE" -> copy(t, true, true);
                    case "EXPUNGE" -> {
                        t.sp();
                        yield new Command.Expunge(Optional.of(t.sequenceSet()));
                    }
                    default -> throw new ImapException.Bad("unknown UID command");
                };
            }
            default -> throw new ImapException.Bad("unknown command");
        };
    }

    private static String mailboxArg(Tokens t) {
        t.sp();
        return t.astring();
    }

    private static Command id(Tokens t) {
        t.sp();
        Map<String, String> params = new LinkedHashMap<>();
        if (t.peekWord("NIL")) {
            t.atom();
            return new Command.Id(params);
        }
        t.expect('(');
        while (!t.skip(')')) {
            if (!params.isEmpty()) {
                t.sp();
            }
            String key = t.string();
            t.sp();
            String value = t.nstring();
            if (params.size() < 30) {
                params.put(key, value == null ? "" : value);
            }
        }
        return new Command.Id(params);
    }

    private static Command authenticate(Tokens t) {
        t.sp();
        String mechanism = t.atom().toUpperCase(Locale.ROOT);
        Optional<String> initial = Optional.empty();
        if (t.skip(' ')) {
            // RFC 4959: base64 or "=" for an empty initial response
            initial = Optional.of(t.chars(c -> Character.isLetterOrDigit(c) || c == '+' || c == '/' || c == '=',
                    "a base64 initial response"));
        }
        return new Command.Authenticate(mechanism, initial);
    }

    /** select-params (RFC 4466 §2.1): CONDSTORE (RFC 7162 §3.1.8) and QRESYNC (§3.2.5). */
    private static Command select(Tokens t, boolean readOnly) {
        String mailbox = mailboxArg(t);
        boolean condstore = false;
        Optional<Command.Qresync> qresync = Optional.empty();
        if (t.skip(' ')) {
            t.expect('(');
            while (!t.skip(')')) {
                t.skip(' ');
                String param = t.atom().toUpperCase(Locale.ROOT);
                switch (param) {
                    case "CONDSTORE" -> condstore = true;
                    case "QRESYNC" -> {
                        t.sp();
                        qresync = Optional.of(qresync(t));
                    }
                    default -> throw Tokens.error("unknown SELECT parameter");
                }
            }
        }
        return new Command.Select(mailbox, readOnly, condstore, qresync);
    }

    /** "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")" (RFC 7162 §7). */
    private static Command.Qresync qresync(Tokens t) {
        t.expect('(');
        long uidValidity = t.nzNumber();
        t.sp();
        long modSeq = t.modSeq();
        Optional<SequenceSet> known = Optional.empty();
        Optional<SequenceSet> seqs = Optional.empty();
        Optional<SequenceSet> seqUids = Optional.empty();
        if (t.skip(' ')) {
            if (t.peek() != '(') {
                known = Optional.of(t.sequenceSet());
                t.skip(' ');
            }
            if (t.skip('(')) {
                seqs = Optional.of(t.sequenceSet());
                t.sp();
                seqUids = Optional.of(t.sequenceSet());
                t.expect(')');
            }
        }
        t.expect(')');
        return new Command.Qresync(uidValidity, modSeq, known, seqs, seqUids);
    }

    /** Resources one SETQUOTA may name: far more than the resources RFC 9208 §5 defines. */
    static final int MAX_SETQUOTA_RESOURCES = 16;

    /**
     * RFC 9208 §6: setquota-list = "(" [setquota-resource *(SP setquota-resource)] ")",
     * setquota-resource = resource-name SP resource-limit (number64). Names are upper-cased; whether
     * the server supports them is the session's business (tagged NO, §4.1.3).
     */
    private static Map<String, Long> setQuotaList(Tokens t) {
        Map<String, Long> limits = new LinkedHashMap<>();
        t.expect('(');
        while (!t.skip(')')) {
            if (!limits.isEmpty()) {
                t.sp();
            }
            if (limits.size() == MAX_SETQUOTA_RESOURCES) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "too many quota resources");
            }
            String name = t.atom().toUpperCase(Locale.ROOT);
            t.sp();
            String digits = t.chars(c -> c >= '0' && c <= '9', "a resource limit");
            if (digits.length() > 18) { // number64 is up to 2^63-1; 18 digits always fit
                throw Tokens.error("resource limit too large");
            }
            if (limits.put(name, Long.parseLong(digits)) != null) {
                throw Tokens.error("resource " + name + " given twice");
            }
        }
        return limits;
    }

    private static Command create(Tokens t) {
        String mailbox = mailboxArg(t);
        List<String> uses = new ArrayList<>();
        if (t.skip(' ')) {
            t.expect('(');
            String word = t.atom().toUpperCase(Locale.ROOT);
            if (!word.equals("USE")) {
                throw Tokens.error("unknown CREATE parameter");
            }
            t.sp();
            uses.addAll(t.flagList());
            t.expect(')');
        }
        return new Command.Create(mailbox, uses);
    }

    private static Command list(Tokens t) {
        t.sp();
        Set<Command.ListSelect> selection = EnumSet.noneOf(Command.ListSelect.class);
        boolean extended = false;
        if (t.skip('(')) {
            extended = true;
            while (!t.skip(')')) {
                t.skip(' ');
                String opt = t.atom().toUpperCase(Locale.ROOT);
                switch (opt) {
                    case "SUBSCRIBED" -> selection.add(Command.ListSelect.SUBSCRIBED);
                    case "REMOTE" -> selection.add(Command.ListSelect.REMOTE);
                    case "RECURSIVEMATCH" -> selection.add(Command.ListSelect.RECURSIVEMATCH);
                    case "SPECIAL-USE" -> selection.add(Command.ListSelect.SPECIAL_USE);
                    default -> throw Tokens.error("unknown LIST selection option");
                }
            }
            if (selection.contains(Command.ListSelect.RECURSIVEMATCH)
                    && !selection.contains(Command.ListSelect.SUBSCRIBED)
                    && !selection.contains(Command.ListSelect.SPECIAL_USE)) {
                throw Tokens.error("RECURSIVEMATCH needs another selection option"); // RFC 5258 §3.1
            }
            t.sp();
        }
        String reference = t.astring();
        t.sp();
        List<String> patterns = new ArrayList<>();
        if (t.skip('(')) {
            extended = true;
            do {
                t.skip(' ');
                patterns.add(t.listMailbox());
            } while (!t.skip(')'));
        } else {
            patterns.add(t.listMailbox());
        }
        Command.ListReturn returns = Command.ListReturn.NONE;
        if (t.skip(' ')) {
            extended = true;
            if (!t.atom().equalsIgnoreCase("RETURN")) {
                throw Tokens.error("expected RETURN");
            }
            t.sp();
            returns = listReturn(t);
        }
        return new Command.ListMailboxes(reference, patterns, selection, returns, false, extended);
    }

    private static Command.ListReturn listReturn(Tokens t) {
        boolean subscribed = false, children = false, specialUse = false;
        List<Command.StatusItem> status = List.of();
        t.expect('(');
        while (!t.skip(')')) {
            t.skip(' ');
            String opt = t.atom().toUpperCase(Locale.ROOT);
            switch (opt) {
                case "SUBSCRIBED" -> subscribed = true;
                case "CHILDREN" -> children = true;
                case "SPECIAL-USE" -> specialUse = true;
                case "STATUS" -> {
                    t.sp();
                    status = statusItems(t);
                }
                default -> throw Tokens.error("unknown LIST return option");
            }
        }
        return new Command.ListReturn(subscribed, children, specialUse, status);
    }

    private static List<Command.StatusItem> statusItems(Tokens t) {
        t.expect('(');
        List<Command.StatusItem> items = new ArrayList<>();
        do {
            t.skip(' ');
            String item = t.atom().toUpperCase(Locale.ROOT);
            try {
                items.add(Command.StatusItem.valueOf(item));
            } catch (IllegalArgumentException e) {
                throw Tokens.error("unknown STATUS item");
            }
        } while (!t.skip(')'));
        return items;
    }

    private static Command append(Tokens t) {
        String mailbox = mailboxArg(t);
        List<Command.AppendMessage> messages = new ArrayList<>();
        // RFC 3502: one or more (flags, date, literal) groups
        while (t.skip(' ')) {
            List<String> flags = List.of();
            if (t.peek() == '(') {
                flags = t.flagList();
                t.sp();
            }
            Optional<ZonedDateTime> date = Optional.empty();
            if (t.peek() == '"') {
                date = Optional.of(Dates.parseDateTime(t.quoted()));
                t.sp();
            }
            if (t.peekWord("UTF8")) {
                // RFC 6855 UTF8 (literal8): accept the wrapper
                t.atom();
                t.sp();
                t.expect('(');
                messages.add(new Command.AppendMessage(flags, date, t.literal()));
                t.expect(')');
                continue;
            }
            messages.add(new Command.AppendMessage(flags, date, t.literal()));
        }
        if (messages.isEmpty()) {
            throw Tokens.error("APPEND needs a message literal");
        }
        return new Command.Append(mailbox, messages);
    }

    private static Command fetch(Tokens t, boolean uid) {
        t.sp();
        SequenceSet set = t.sequenceSet();
        t.sp();
        List<FetchItem> items = FetchParser.items(t);
        OptionalLong changedSince = OptionalLong.empty();
        boolean vanished = false;
        if (t.skip(' ')) {
            // fetch-modifiers: RFC 7162 §3.1.4 CHANGEDSINCE, §3.2.6 VANISHED (UID FETCH with CHANGEDSINCE only)
            t.expect('(');
            while (!t.skip(')')) {
                t.skip(' ');
                String modifier = t.atom().toUpperCase(Locale.ROOT);
                switch (modifier) {
                    case "CHANGEDSINCE" -> {
                        t.sp();
                        changedSince = OptionalLong.of(t.modSeq());
                    }
                    case "VANISHED" -> vanished = true;
                    default -> throw Tokens.error("unknown FETCH modifier");
                }
            }
            if (vanished && (!uid || changedSince.isEmpty())) {
                throw Tokens.error("VANISHED needs UID FETCH and CHANGEDSINCE");
            }
        }
        return new Command.Fetch(uid, set, items, changedSince, vanished);
    }

    private static Command store(Tokens t, boolean uid) {
        t.sp();
        SequenceSet set = t.sequenceSet();
        t.sp();
        OptionalLong unchangedSince = OptionalLong.empty();
        if (t.skip('(')) {
            // store-modifier: RFC 7162 §3.1.3 UNCHANGEDSINCE
            if (!t.atom().equalsIgnoreCase("UNCHANGEDSINCE")) {
                throw Tokens.error("unknown STORE modifier");
            }
            t.sp();
            unchangedSince = OptionalLong.of(t.modSeq());
            t.expect(')');
            t.sp();
        }
        Command.StoreMode mode = t.skip('+') ? Command.StoreMode.ADD
                : t.skip('-') ? Command.StoreMode.REMOVE : Command.StoreMode.REPLACE;
        String item = t.chars(c -> Character.isLetter(c) || c == '.', "FLAGS").toUpperCase(Locale.ROOT);
        boolean silent = switch (item) {
            case "FLAGS" -> false;
            case "FLAGS.SILENT" -> true;
            default -> throw Tokens.error("expected FLAGS or FLAGS.SILENT");
        };
        t.sp();
        List<String> flags = new ArrayList<>();
        if (t.peek() == '(') {
            flags.addAll(t.flagList());
        } else {
            do {
                t.skip(' ');
                flags.add(t.flag());
            } while (t.peek() == ' ');
        }
        return new Command.Store(uid, set, mode, silent, flags, unchangedSince);
    }

    private static Command copy(Tokens t, boolean uid, boolean move) {
        t.sp();
        SequenceSet set = t.sequenceSet();
        return new Command.Copy(uid, set, mailboxArg(t), move);
    }

    private static Command search(Tokens t, boolean uid) {
        t.sp();
        Optional<Set<Command.SearchReturn>> returns = searchReturn(t);
        String charset = "US-ASCII";
        if (t.peekWord("CHARSET")) {
            t.atom();
            t.sp();
            charset = t.astring();
            t.sp();
        }
        SearchKey key = SearchParser.keys(t);
        return new Command.Search(uid, returns, charset, key);
    }

    /**
     * Optional "RETURN (" [return-opt *(SP return-opt)] ")" SP of SEARCH (RFC 4731 §3) and SORT
     * (RFC 5267 §3), followed by the space before the next argument.
     */
    static Optional<Set<Command.SearchReturn>> searchReturn(Tokens t) {
        if (!t.peekWord("RETURN")) {
            return Optional.empty();
        }
        t.atom();
        t.sp();
        Set<Command.SearchReturn> opts = EnumSet.noneOf(Command.SearchReturn.class);
        t.expect('(');
        while (!t.skip(')')) {
            t.skip(' ');
            try {
                opts.add(Command.SearchReturn.valueOf(t.atom().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw Tokens.error("unknown return option");
            }
        }
        t.sp();
        return Optional.of(opts);
    }
}
