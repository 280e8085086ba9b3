package jotmai.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.pop3.SessionState.Closed;
import jotmai.pop3.SessionState.Transaction;
import jotmai.shared.net.Connection;
import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.MailStore;
import jotmai.store.MessageMeta;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/**
 * The TRANSACTION state (RFC 1939 §5, §7) and the UPDATE state that QUIT enters (RFC 1939 §6).
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>Numbers and sizes come from the session's {@link Maildrop} snapshot, never from the store, so
 *       they cannot change under the client.</li>
 *   <li>RETR/TOP check that the message was not expunged meanwhile ({@link ExpungeWatch}) and open it
 *       (or take what {@link ContentPrefetch} / {@link HeadPrefetch} read ahead) before answering +OK,
 *       so that such a message fails with a clean -ERR. A failure after +OK cannot be reported inside a
 *       multi-line response: the connection is dropped instead.</li>
 *   <li>Only QUIT changes the store: \Deleted + expunge of exactly the DELE'd UIDs, \Seen and the
 *       retrieval keyword on retrieved ones.</li>
 * </ul>
 */
final class TransactionCommands {
    private static final Logger log = LoggerFactory.getLogger(TransactionCommands.class);

    /** Bytes read from the store at most per read while streaming a message that is not read ahead. */
    static final int STREAM_CHUNK_OCTETS = 64 * 1024;

    private final SessionContext context;
    private final Connection connection;
    private final ResponseWriter out;
    private final byte[] chunk = new byte[STREAM_CHUNK_OCTETS];
    private final ContentPrefetch prefetch;
    private final HeadPrefetch heads;

    TransactionCommands(SessionContext context, Connection connection, ResponseWriter out) {
        this.context = context;
        this.connection = connection;
        this.out = out;
        this.prefetch = new ContentPrefetch(context.mail());
        this.heads = new HeadPrefetch(context.mail());
    }

    /** At the end of the session: drops messages read ahead. */
    void close() {
        prefetch.close();
        heads.close();
    }

    SessionState execute(Transaction state, Pop3Command command) throws IOException {
        Maildrop drop = state.maildrop();
        switch (command) {
            // RFC 1939 §5 STAT
            case Pop3Command.Stat ignored -> out.ok(drop.liveCount() + " " + drop.liveSize());
            // RFC 1939 §5 LIST
            case Pop3Command.List list -> scanListing(drop, list.message(), "scan listing follows",
                    n -> Long.toString(drop.message(n).size()));
            // RFC 1939 §7 UIDL
            case Pop3Command.Uidl uidl -> scanListing(drop, uidl.message(), "unique-id listing follows", drop::uidl);
            // RFC 1939 §5 RETR
            case Pop3Command.Retr retr -> {
                send(state, retr.message(), MessageStreamer.ALL_LINES);
                drop.markRetrieved(retr.message());
            }
            // RFC 1939 §7 TOP (does not count as a download for \Seen or EXPIRE)
            case Pop3Command.Top top -> send(state, top.message(), top.lines());
            // RFC 1939 §5 DELE
            case Pop3Command.Dele dele -> {
                drop.delete(dele.message());
                out.ok("message " + dele.message() + " deleted");
            }
            // RFC 1939 §5 NOOP
            case Pop3Command.Noop ignored -> out.ok("");
            // RFC 1939 §5 RSET
            case Pop3Command.Rset ignored -> {
                drop.reset();
                out.ok("maildrop has " + drop.liveCount() + " messages (" + drop.liveSize() + " octets)");
            }
            case Pop3Command.Quit ignored -> {
                update(state);
                return new Closed();
            }
            case Pop3Command.User ignored -> throw alreadyIn();
            case Pop3Command.Pass ignored -> throw alreadyIn();
            case Pop3Command.Apop ignored -> throw alreadyIn();
            case Pop3Command.Auth ignored -> throw alreadyIn();
            case Pop3Command.Stls ignored -> throw alreadyIn();
            case Pop3Command.Capa ignored -> throw new IllegalStateException("CAPA is handled by the session");
        }
        return state;
    }

    private static Pop3Exception.Err alreadyIn() {
        return new Pop3Exception.Err("not allowed in TRANSACTION state");
    }

    @FunctionalInterface
    private interface Column {
        String of(int number);
    }

    /** LIST/UIDL: one line for one message, or a multi-line listing of every message not deleted. */
    private void scanListing(Maildrop drop, OptionalInt message, String heading, Column column) throws IOException {
        if (message.isPresent()) {
            int n = message.getAsInt();
            out.ok(n + " " + column.of(n));
            return;
        }
        out.ok(heading);
        for (int n = 1; n <= drop.highestNumber(); n++) {
            if (!drop.isDeleted(n)) {
                out.line(n + " " + column.of(n));
            }
        }
        out.end();
    }

    private void send(Transaction state, int number, int bodyLines) throws IOException {
        Maildrop drop = state.maildrop();
        MessageMeta meta = drop.message(number);
        Optional<HeadPrefetch.Head> head = heads.take(drop, number); // first: it also follows the client's order
        if (state.watch().isExpunged(meta.uid())) {
            head.ifPresent(h -> closeQuietly(h.rest()));
            throw new Pop3Exception.Err("message " + number + " was removed by another session");
        }
        String status = bodyLines == MessageStreamer.ALL_LINES ? meta.size() + " octets" : "top of message follows";
        if (head.isPresent()) {
            // A large message whose beginning was read ahead: answer without a store round trip.
            HeadPrefetch.Head h = head.get();
            try (InputStream rest = h.rest()) {
                stream(meta, status, bodyLines, h.bytes(), h.length(), rest);
            }
            return;
        }
        Optional<byte[]> small = prefetch.content(drop, number);
        if (small.isPresent()) {
            // The whole message is in memory: answer and stream it without touching the store.
            byte[] bytes = small.get();
            out.ok(status);
            MessageStreamer body = out.messageBody(bodyLines);
            body.write(bytes, 0, bytes.length);
            body.finish();
            heads.startReadAhead();
            return;
        }
        InputStream content;
        try {
            content = context.mail().openContent(meta.blob());
        } catch (StoreException.NotFound e) {
            throw new Pop3Exception.Err("message " + number + " was removed by another session");
        }
        try (InputStream in = content) {
            int first;
            try {
                // One read: what the store's first window holds (read when the stream was opened), so
                // the "+OK" waits for one store round trip, not for a whole chunk's worth of them.
                first = Math.max(0, in.read(chunk, 0, chunk.length));
            } catch (IOException e) {
                log.warn("session {}: cannot read message uid {}: {}", connection.id(), meta.uid(), e.toString());
                throw new Pop3Exception.Err(ResponseCode.SYS_TEMP, "cannot read message " + number + " now");
            }
            stream(meta, status, bodyLines, chunk, first, in);
        }
    }

    /**
     * "+OK", the first bytes of the message, then the rest as the store delivers it. Once "+OK" is out
     * a failure cannot be reported inside the multi-line response (RFC 1939 §3): the connection is
     * dropped instead, so the client cannot take a truncated message for a whole one.
     */
    private void stream(MessageMeta meta, String status, int bodyLines, byte[] first, int firstLength, InputStream rest)
            throws IOException {
        out.ok(status);
        MessageStreamer body = out.messageBody(bodyLines);
        body.write(first, 0, firstLength);
        if (!body.limitReached()) {
            // The status line and the first part go out now, while the next store read runs; later
            // writes are full-size again (ResponseBuffer: never a tiny segment on its own after a large one,
            // the terminator leaves with the message's last bytes).
            out.flush();
            heads.startReadAhead(); // the next large message's head, while this one streams
            try {
                if (bodyLines == MessageStreamer.ALL_LINES) {
                    rest.transferTo(body); // a store stream may hand its own arrays to the streamer
                } else {
                    int n;
                    while (!body.limitReached() && (n = rest.read(chunk, 0, chunk.length)) > 0) {
                        body.write(chunk, 0, n);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (body.downstreamFailed()) {
                    throw e; // the client went away (its socket failed): the session ends as for any lost connection
                }
                log.error("session {}: reading message uid {} failed mid-stream", connection.id(), meta.uid(), e);
                throw new Pop3Exception.Abort("store read failed mid-message");
            }
        }
        body.finish();
        heads.startReadAhead(); // no-op unless TOP ended within the first part
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // a store stream holds nothing but memory
        }
    }

    /** RFC 1939 §6: commit DELE marks and retrieval marks, then answer and close. */
    private void update(Transaction state) throws IOException {
        Maildrop drop = state.maildrop();
        MailStore mail = context.mail();
        long mailboxId = drop.mailboxId();
        UidSet deleted = drop.deletedUids();
        List<Long> removed = List.of();
        try {
            // Asked before our own expunge below, which would otherwise count as a change.
            boolean changed = state.watch().changedSinceSnapshot();
            if (!deleted.isEmpty()) {
                mail.updateFlags(mailboxId, deleted, FlagOperation.ADD, Set.of(Flags.DELETED), OptionalLong.empty());
                removed = mail.expunge(mailboxId, Optional.of(deleted));
            }
            markRetrieved(mailboxId, drop.retrievedKept(), drop.retrievedFirstTime(), changed);
        } catch (StoreException e) {
            log.error("session {}: UPDATE failed for {}", connection.id(), state.account().address(), e);
            // RFC 1939 §6: "-ERR some deleted messages not removed"; RFC 3206 code says whether to retry.
            out.err(Optional.of(e instanceof StoreException.Unavailable ? ResponseCode.SYS_TEMP : ResponseCode.SYS_PERM),
                    "some deleted messages not removed");
            return;
        }
        // The maildrop is free before the client hears +OK: a client that reconnects at once (a second
        // fetch right after the first) must not get [IN-USE] for the session it just ended.
        state.release();
        log.info("session {}: {} quit, {} messages removed", connection.id(), state.account().address(), removed.size());
        out.ok("Jotmai POP3 server signing off (" + drop.liveCount() + " messages left)");
    }

    /**
     * \Seen for IMAP users, and the first retrieval time in the store (drives EXPIRE and "hide messages
     * seen over IMAP"; the store keeps the first time, so a second download does not restart EXPIRE).
     * Writes that would change nothing are left out: a leave-on-server client that downloads again
     * would otherwise pay a durable store write at every QUIT. Snapshot flags are trusted only while
     * the mailbox did not change during the session.
     */
    private void markRetrieved(long mailboxId, List<MessageMeta> retrieved, List<MessageMeta> firstTime,
                               boolean mailboxChanged) {
        List<Long> unseen = new ArrayList<>();
        for (MessageMeta m : retrieved) {
            if (mailboxChanged || !m.hasFlag(Flags.SEEN)) {
                unseen.add(m.uid());
            }
        }
        List<Long> first = new ArrayList<>();
        for (MessageMeta m : firstTime) {
            first.add(m.uid());
        }
        MailStore mail = context.mail();
        if (!unseen.isEmpty()) {
            mail.updateFlags(mailboxId, UidSet.of(unseen), FlagOperation.ADD, Set.of(Flags.SEEN), OptionalLong.empty());
        }
        if (!first.isEmpty()) {
            mail.markRetrieved(mailboxId, UidSet.of(first), context.clock().instant());
        }
    }
}
