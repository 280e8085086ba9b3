package jotmai.imap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jotmai.store.BlobRef;
import jotmai.store.Mailbox;

/**
 * RFC 8474 object ids (objectid = 1*255 of ALPHA / DIGIT / "_" / "-", §4).
 * <ul>
 *   <li>MAILBOXID: the store's mailbox id, which survives RENAME, plus the UIDVALIDITY, so that an id
 *       a backend might reuse after a DELETE never names two different mailboxes (§4.1).</li>
 *   <li>EMAILID: the stored blob, shared by COPY, MOVE and multi-recipient delivery of the same bytes
 *       (§5.1 allows, and MOVE requires, the same id for the same immutable message).</li>
 *   <li>THREADID: "T" and the store's thread id, assigned when the message is stored from its
 *       In-Reply-To/References (see {@code MailStore.threadIds}); COPY and MOVE keep it (§5.2).</li>
 * </ul>
 */
final class ObjectIds {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]{1,200}");

    private ObjectIds() {}

    static String mailboxId(Mailbox mailbox) {
        return "M" + mailbox.id() + "V" + mailbox.uidValidity();
    }

    static String emailId(BlobRef blob) {
        String id = blob.id();
        if (SAFE.matcher(id).matches()) {
            return "E" + id;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "E" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String threadId(long threadId) {
        return "T" + threadId;
    }

    /** The store's thread id named by a THREADID the client sent (§5.3 SEARCH THREADID); -1 if none. */
    static long parseThreadId(String objectId) {
        if (objectId.length() < 2 || objectId.length() > 19 || objectId.charAt(0) != 'T') {
            return -1;
        }
        for (int i = 1; i < objectId.length(); i++) {
            if (objectId.charAt(i) < '0' || objectId.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(objectId, 1, objectId.length(), 10);
    }

    /** RFC 8474 §4: "(" objectid ")" as in MAILBOXID and EMAILID responses. */
    static String parenthesized(String id) {
        return "(" + id + ")";
    }
}
