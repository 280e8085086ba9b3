package jotmai.imap;

import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.ResponseWriter;
import jotmai.store.Mailbox;
import jotmai.store.MailStore;

/** What the command handlers of one session share: the store, the writer and the negotiated mode. */
final class SessionContext {
    final MailStore mail;
    final ResponseWriter out;
    final String sessionId;
    final ImapConfig config;
    /** RFC 2342 namespaces and RFC 4314 rights (issue 7). */
    final SharedNamespace shared;
    /** Per-user \Seen on other users' mailboxes (issue 7): every flag read of a selected mailbox. */
    final PrivateSeen seen;
    /** ENABLE IMAP4rev2 was sent (RFC 9051 §6.3.1): UTF-8 names, no \Recent, ESEARCH for SEARCH. */
    private boolean rev2;

    SessionContext(MailStore mail, ResponseWriter out, String sessionId, ImapConfig config, SharedNamespace shared) {
        this.shared = shared;
        this.mail = mail;
        this.seen = new PrivateSeen(mail);
        this.out = out;
        this.sessionId = sessionId;
        this.config = config;
    }

    /** RFC 7162 §3.1: CONDSTORE enabled (by ENABLE or first CONDSTORE-using command): MODSEQ in FETCH. */
    private boolean condstore;
    /** RFC 7162 §3.2.3: ENABLE QRESYNC: VANISHED instead of EXPUNGE; implies CONDSTORE. */
    private boolean qresync;

    boolean condstore() {
        return condstore;
    }

    void enableCondstore() {
        if (!condstore) {
            condstoreJustEnabled = true;
        }
        condstore = true;
    }

    /** Set when a command enabled CONDSTORE; the session then reports HIGHESTMODSEQ once (RFC 7162 §3.1). */
    private boolean condstoreJustEnabled;

    /** Whether CONDSTORE was enabled since the last call. */
    boolean takeCondstoreJustEnabled() {
        boolean was = condstoreJustEnabled;
        condstoreJustEnabled = false;
        return was;
    }

    boolean qresync() {
        return qresync;
    }

    void enableQresync() {
        qresync = true;
        enableCondstore();
    }

    boolean rev2() {
        return rev2;
    }

    void enableRev2() {
        rev2 = true;
        out.utf8Quoted(true);
    }

    String storeName(String wire) {
        return MailboxNames.fromWire(wire, rev2);
    }

    /** For LIST patterns: invalid modified UTF-7 is matched literally instead of refused. */
    String storeNameLenient(String wire) {
        try {
            return rev2 ? wire : MailboxNames.decodeUtf7(wire);
        } catch (ImapException e) {
            return wire;
        }
    }

    String wireName(String storeName) {
        return MailboxNames.toWire(storeName, rev2);
    }

    /**
     * Whose \Seen marks a session of {@code accountId} uses on a mailbox of {@code ownerId}: its own on
     * another user's mailbox when \Seen is per user (imap.shared-seen), else 0 (the message flags).
     */
    long seenReader(long accountId, long ownerId) {
        return config.perUserSeen() && accountId != ownerId ? accountId : 0;
    }

    /** The mailbox of an existing name, else NO [NONEXISTENT] (or [TRYCREATE] for COPY/APPEND targets). */
    Mailbox requireMailbox(long accountId, String storeName, ResponseCode missing) {
        return mail.mailbox(accountId, storeName)
                .orElseThrow(() -> new ImapException.No(missing, "no such mailbox"));
    }
}
