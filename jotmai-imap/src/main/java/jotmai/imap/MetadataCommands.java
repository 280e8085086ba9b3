package jotmai.imap;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.MetadataStore;

/**
 * GETMETADATA and SETMETADATA (RFC 5464) on the server (mailbox "") and on the user's mailboxes, with
 * /private and /shared entries. Limits are per owning account and named here.
 */
final class MetadataCommands {
    /** Largest value one entry may have (RFC 5464 §4.3: larger gets [METADATA MAXSIZE n]). */
    static final int MAX_VALUE_SIZE = 64 * 1024;
    /** Entries per account ([METADATA TOOMANY] beyond). */
    static final int MAX_ENTRIES_PER_ACCOUNT = 1000;
    /** Octets of all values of an account ([OVERQUOTA] beyond). */
    static final long MAX_BYTES_PER_ACCOUNT = 1024 * 1024;
    /** Longest entry name accepted. */
    static final int MAX_ENTRY_NAME = 1024;

    static final MetadataStore.Limits LIMITS = new MetadataStore.Limits(MAX_ENTRIES_PER_ACCOUNT, MAX_BYTES_PER_ACCOUNT);

    private final SessionContext ctx;
    private final MetadataStore metadata;

    MetadataCommands(SessionContext ctx, MetadataStore metadata) {
        this.ctx = ctx;
        this.metadata = metadata;
    }

    /** RFC 5464 §4.2 GETMETADATA. */
    Outcome get(SessionState.LoggedIn session, Command.GetMetadata command) {
        long mailboxId = mailboxId(session, command.mailbox(), false);
        TreeMap<String, byte[]> all = new TreeMap<>();
        for (MetadataStore.Entry e : metadata.entries(session.account().id(), mailboxId)) {
            all.put(e.name(), e.value());
        }
        Map<String, byte[]> found = new TreeMap<>();
        for (String requested : command.entries()) {
            String name = entryName(requested, true);
            if (all.containsKey(name)) {
                found.put(name, all.get(name));
            } else if (command.depth() == Command.MetadataDepth.ZERO) {
                found.put(name, null); // asked for by name and absent: NIL
            }
            if (command.depth() != Command.MetadataDepth.ZERO) {
                String prefix = name + "/";
                for (Map.Entry<String, byte[]> e : all.tailMap(prefix).entrySet()) {
                    if (!e.getKey().startsWith(prefix)) {
                        break;
                    }
                    boolean child = e.getKey().indexOf('/', prefix.length()) < 0;
                    if (child || command.depth() == Command.MetadataDepth.INFINITY) {
                        found.put(e.getKey(), e.getValue());
                    }
                }
            }
        }
        long longest = 0;
        Map<String, byte[]> shown = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : found.entrySet()) {
            byte[] v = e.getValue();
            if (v != null && command.maxSize().isPresent() && v.length > command.maxSize().getAsLong()) {
                longest = Math.max(longest, v.length); // RFC 5464 §4.2.1 MAXSIZE
            } else {
                shown.put(e.getKey(), v);
            }
        }
        if (!shown.isEmpty()) {
            ctx.out.star().atom("METADATA ").astring(command.mailbox()).sp().open();
            boolean first = true;
            for (Map.Entry<String, byte[]> e : shown.entrySet()) {
                if (!first) {
                    ctx.out.sp();
                }
                first = false;
                ctx.out.atom(e.getKey()).sp();
                value(e.getValue());
            }
            ctx.out.close().crlf();
        }
        if (longest > 0) {
            return new Outcome(session, new ResponseCode("METADATA", "LONGENTRIES " + longest), "GETMETADATA completed");
        }
        return Outcome.of(session);
    }

    /** RFC 5464 §4.3 SETMETADATA: all entries or none. */
    Outcome set(SessionState.LoggedIn session, Command.SetMetadata command) {
        boolean writesShared = command.values().stream()
                .anyMatch(v -> v.entry().toLowerCase(Locale.ROOT).startsWith(MetadataStore.SHARED));
        long mailboxId = mailboxId(session, command.mailbox(), writesShared);
        Map<String, byte[]> changes = new LinkedHashMap<>();
        for (Command.MetadataValue v : command.values()) {
            String name = entryName(v.entry(), false);
            if (v.size() > MAX_VALUE_SIZE) {
                throw new ImapException.No(new ResponseCode("METADATA", "MAXSIZE " + MAX_VALUE_SIZE), "value too large");
            }
            if (mailboxId == MetadataStore.SERVER && name.startsWith(MetadataStore.SHARED)) {
                // server /shared entries are seen by every user of every domain: administrators only
                throw new ImapException.No(ResponseCode.NOPERM, "server shared entries are read-only");
            }
            changes.put(name, v.value());
        }
        return switch (metadata.set(session.account().id(), mailboxId, changes, LIMITS)) {
            case DONE -> Outcome.of(session);
            case TOO_MANY -> throw new ImapException.No(new ResponseCode("METADATA", "TOOMANY"), "too many entries");
            case TOO_LARGE -> throw new ImapException.No(ResponseCode.OVERQUOTA, "metadata storage limit reached");
        };
    }

    /**
     * The mailbox, own or shared with the user (RFC 4314 rights, RFC 5464 §3.3/§4.3): "l" to use its
     * /private entries, "r" to read its /shared ones (checked for GETMETADATA), "w" to write them.
     */
    private long mailboxId(SessionState.LoggedIn session, String wireName, boolean writesShared) {
        if (wireName.isEmpty()) {
            return MetadataStore.SERVER; // RFC 5464 §3.1: "" is the server
        }
        SharedNamespace.Access access = ctx.shared.require(session.account(), ctx.storeName(wireName),
                ResponseCode.NONEXISTENT).require('l', ResponseCode.NONEXISTENT);
        if (writesShared) {
            access.require('w', ResponseCode.NONEXISTENT);
        } else {
            access.require('r', ResponseCode.NONEXISTENT);
        }
        return access.mailbox().id();
    }

    /**
     * RFC 5464 §3.2: names are case-insensitive, start with /private or /shared, no "*" or "%", no "//",
     * no trailing "/", printable ASCII. GETMETADATA may name the two roots themselves.
     */
    static String entryName(String entry, boolean forGet) {
        String name = entry.toLowerCase(Locale.ROOT);
        boolean root = name.equals("/private") || name.equals("/shared");
        if (name.length() > MAX_ENTRY_NAME || name.contains("//") || name.endsWith("/")
                || !(name.startsWith(MetadataStore.PRIVATE) || name.startsWith(MetadataStore.SHARED) || (forGet && root))) {
            throw new ImapException.Bad("bad metadata entry name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '*' || c == '%') {
                throw new ImapException.Bad("bad metadata entry name");
            }
        }
        return name;
    }

    /** Text values as strings; anything else (NUL, invalid UTF-8) as literal8 (RFC 5464 §5 value). */
    private void value(byte[] v) {
        if (v == null) {
            ctx.out.nil();
            return;
        }
        String text = utf8(v);
        if (text != null && text.indexOf('\0') < 0) {
            ctx.out.string(text);
        } else {
            ctx.out.literal(new ByteArrayInputStream(v), v.length, true);
        }
    }

    private static String utf8(byte[] v) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(v)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static List<String> capabilities() {
        return List.of("METADATA", "METADATA-SERVER");
    }
}
