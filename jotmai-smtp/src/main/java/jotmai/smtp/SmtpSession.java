package jotmai.smtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.shared.auth.AuthResult;
import jotmai.shared.net.Connection;
import jotmai.store.Account;
import jotmai.store.StoreException;

/**
 * One SMTP/LMTP connection, run on its own virtual thread: the RFC 5321 §4.1.4 state machine
 * (greeting → EHLO → [STARTTLS] → [AUTH] → MAIL → RCPT+ → DATA | BDAT+ → ... → QUIT).
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>This thread is the only one that reads or writes the socket; replies are buffered and
 *       flushed before every blocking read, which batches replies to pipelined commands (RFC 2920).</li>
 *   <li>250 after the end of data is written only after {@link Delivery} returned, i.e. after the
 *       store made the message durable for every accepted recipient.</li>
 *   <li>Message content is streamed to a staging file; a client that vanishes mid-DATA leaves
 *       nothing stored (the staging file is deleted).</li>
 *   <li>After STARTTLS everything learned before is forgotten (RFC 3207 §4.2).</li>
 * </ul>
 */
final class SmtpSession {
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** Syntax errors and refused commands tolerated before the session is closed with 421. */
    static final int MAX_ERRORS = 20;

    private final SmtpContext ctx;
    private final SmtpConfig config;
    private final Connection conn;
    private final String id;
    private SmtpReader in;
    private ReplyWriter out;
    private SaslExchange sasl;
    private Command.Hello hello;
    private Account user;
    private Transaction tx;
    private boolean trusted;
    private boolean open = true;
    private int errors;
    private int authFailures;
    private int messages;

    SmtpSession(SmtpContext ctx, Connection conn) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.conn = conn;
        this.id = conn.id();
    }

    private void bindStreams() {
        out = new ReplyWriter(conn.out());
        in = new SmtpReader(conn.in(), out::flush);
        sasl = new SaslExchange(in, out);
    }

    void run() {
        log.info("session {} start: {} from {}", id, conn.listenerName(), conn.remoteAddress().getHostAddress());
        String end = "client quit";
        try {
            trusted = ctx.trusted().contains(conn.remoteAddress());
            bindStreams();
            if (!greet()) {
                end = "early talker";
                return;
            }
            while (open) {
                step();
            }
            out.flush();
        } catch (SocketTimeoutException e) {
            end = "timeout";
            try {
                out.reply(421, "4.4.2", config.hostname() + " Timeout, closing connection");
                out.flush();
            } catch (UncheckedIOException ignored) {
                // the client is gone anyway
            }
        } catch (IOException | UncheckedIOException e) {
            end = "connection lost: " + e.getMessage();
        } finally {
            if (tx != null) {
                tx.discard();
            }
            log.info("session {} end: {} ({} messages accepted)", id, end, messages);
        }
    }

    /** RFC 5321 §4.3.1 greeting; on the MX listener, first refuse clients that talk before it. */
    private boolean greet() throws IOException {
        Duration delay = config.greetingDelay();
        if (ctx.kind() == ListenerKind.MX && !trusted && delay.toMillis() > 0) { // 0 ms would mean no timeout
            conn.setReadTimeout(delay);
            try {
                conn.in().read();
                out.reply(554, "", config.hostname() + " No SMTP service here: you talked before the greeting");
                out.flush();
                return false;
            } catch (SocketTimeoutException expected) {
                // silent, as a well-behaved client is
            }
        }
        String service = ctx.kind() == ListenerKind.LMTP ? "LMTP" : "ESMTP";
        out.reply(220, "", config.hostname() + " " + service + " Jotmai ready");
        return true;
    }

    private void step() throws IOException {
        conn.setReadTimeout(config.commandTimeout());
        in.deadline(System.nanoTime() + config.commandTimeout().toNanos());
        SmtpReader.Line line = in.readLine(SmtpReader.MAX_LINE);
        in.deadline(Long.MAX_VALUE); // DATA, BDAT and AUTH continuations are bounded per read only
        try {
            execute(CommandParser.parse(text(line)));
        } catch (SmtpReply reply) {
            if (reply.code() >= 500) {
                errors++;
            }
            out.reply(reply);
            if (reply.closeAfter()) {
                open = false;
            } else if (errors > MAX_ERRORS) {
                out.reply(421, "4.7.0", config.hostname() + " Too many errors, closing connection");
                open = false;
            }
        } catch (StoreException e) {
            log.warn("session {}: store failure: {}", id, e.toString());
            out.reply(Delivery.map(e));
        } catch (SocketTimeoutException | UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("session {}: command failed", id, e);
            out.reply(SmtpReply.temporaryFailure());
        }
    }

    /** The command line as text, if it is well-formed and within the limits of RFC 5321 §4.5.3.1.4. */
    private static String text(SmtpReader.Line line) {
        switch (line.problem()) {
            case TOO_LONG -> throw new SmtpReply(500, "5.5.2", "Line too long");
            case BARE_CR_OR_LF -> throw new SmtpReply(500, "5.5.2", "Lines must end with CRLF (RFC 5321 §2.3.8)");
            case NONE -> { }
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(line.bytes())).toString();
        } catch (CharacterCodingException e) {
            throw new SmtpReply(500, "5.5.2", "Invalid UTF-8 in command");
        }
        if (line.bytes().length > CommandParser.maxLength(s)) {
            throw new SmtpReply(500, "5.5.2", "Line too long");
        }
        return s;
    }

    private void execute(Command command) throws IOException {
        switch (command) {
            case Command.Hello h -> hello(h);
            case Command.Mail m -> mail(m);
            case Command.Rcpt r -> rcpt(r);
            case Command.Data d -> data();
            case Command.Bdat b -> bdat(b);
            case Command.Rset r -> {
                resetTransaction();
                out.reply(250, "2.0.0", "OK");
            }
            case Command.Noop n -> out.reply(250, "2.0.0", "OK");
            case Command.Quit q -> {
                out.reply(221, "2.0.0", config.hostname() + " closing connection");
                open = false;
            }
            case Command.Help h -> out.reply(214, "2.0.0", "See RFC 5321; commands: EHLO HELO MAIL RCPT DATA BDAT RSET "
                    + "NOOP QUIT VRFY STARTTLS AUTH");
            // RFC 5321 §3.5.3: 252 when we will not disclose whether an address exists
            case Command.Vrfy v -> out.reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
            case Command.Expn e -> out.reply(502, "5.5.1", "EXPN not available");
            case Command.StartTls s -> startTls();
            case Command.Auth a -> auth(a);
        }
    }

    private void resetTransaction() {
        if (tx != null) {
            tx.discard();
            tx = null;
        }
    }

    // RFC 5321 §4.1.1.1 (EHLO/HELO), RFC 2033 §4.1 (LHLO): a new greeting also resets the transaction.
    private void hello(Command.Hello h) {
        boolean lmtp = ctx.kind() == ListenerKind.LMTP;
        if (lmtp != (h.kind() == Command.Hello.Kind.LHLO)) {
            throw new SmtpReply(500, "5.5.1", lmtp ? "Use LHLO on LMTP" : "LHLO is for LMTP only");
        }
        resetTransaction();
        hello = h;
        if (h.kind() == Command.Hello.Kind.HELO) {
            out.reply(250, "", config.hostname());
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(config.hostname() + " greets " + conn.remoteAddress().getHostAddress());
        lines.add("PIPELINING");
        lines.add("SIZE " + config.maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        lines.add("BINARYMIME"); // RFC 3030 §3; delivery converts binary parts for peers (MimeDowngrade)
        lines.add("DSN");
        if (!lmtp && conn.tlsAvailable() && !conn.isTls()) {
            lines.add("STARTTLS");
        }
        if (authOffered()) {
            lines.add("AUTH PLAIN LOGIN");
        }
        lines.add("HELP");
        out.reply(250, "", lines);
    }

    /** RFC 4954 §4 / RFC 8314: AUTH on submission only, and only under TLS unless loopback or configured. */
    private boolean authOffered() {
        return ctx.kind().isSubmission() && user == null && tlsOrExempt();
    }

    private boolean tlsOrExempt() {
        return conn.isTls() || conn.isLoopback() || config.allowInsecureAuth();
    }

    // RFC 5321 §4.1.1.2 MAIL; parameters of RFC 1870, RFC 6152, RFC 3030 §3, RFC 6531, RFC 3461, RFC 4954 §5.
    private void mail(Command.Mail m) {
        if (hello == null) {
            throw SmtpReply.badSequence("Send EHLO or HELO first");
        }
        if (tx != null) {
            throw SmtpReply.badSequence("Nested MAIL command");
        }
        if (ctx.kind().isSubmission() && user == null) {
            throw new SmtpReply(530, "5.7.0", "Authentication required"); // RFC 4954 §6
        }
        boolean extended = hello.kind() != Command.Hello.Kind.HELO;
        long size = 0;
        boolean smtputf8 = false;
        boolean eightBit = false;
        boolean binaryMime = false;
        String ret = "";
        String envid = "";
        for (Map.Entry<String, String> p : m.params().entrySet()) {
            String v = p.getValue();
            if (!extended) {
                throw SmtpReply.badParameter("Parameters need EHLO");
            }
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
                        throw SmtpReply.syntax("Bad SIZE value");
                    }
                    size = Long.parseLong(v);
                    if (size > config.maxMessageSize()) {
                        throw new SmtpReply(552, "5.3.4", "Message size exceeds fixed maximum message size");
                    }
                }
                case "BODY" -> {
                    switch (v.toUpperCase(Locale.ROOT)) {
                        case "7BIT" -> eightBit = false;
                        case "8BITMIME" -> eightBit = true;
                        case "BINARYMIME" -> {
                            eightBit = true;
                            binaryMime = true;
                        }
                        default -> throw SmtpReply.badParameter("Unsupported BODY type");
                    }
                }
                case "SMTPUTF8" -> {
                    if (!v.isEmpty()) {
                        throw SmtpReply.syntax("SMTPUTF8 takes no value");
                    }
                    smtputf8 = true;
                }
                case "RET" -> {
                    ret = v.toUpperCase(Locale.ROOT);
                    if (!ret.equals("FULL") && !ret.equals("HDRS")) {
                        throw SmtpReply.syntax("RET must be FULL or HDRS");
                    }
                }
                case "ENVID" -> {
                    if (v.isEmpty() || v.length() > 100) {
                        throw SmtpReply.syntax("Bad ENVID");
                    }
                    envid = v;
                }
                case "AUTH" -> { } // RFC 4954 §5: accepted; we do not trust a claimed identity from elsewhere
                default -> throw SmtpReply.badParameter("Unsupported MAIL parameter");
            }
        }
        if (m.from().isPresent() && !smtputf8 && !m.from().get().isAscii()) {
            throw new SmtpReply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); // RFC 6531 §3.5
        }
        if (user != null) {
            if (config.restrictSenders()) {
                ctx.policy().checkSender(m.from(), user);
            }
            if (!ctx.rateLimiter().allows(user.address())) {
                throw new SmtpReply(450, "4.7.1", "Too many messages this hour, try again later");
            }
        }
        tx = new Transaction(m.from(), size, smtputf8, eightBit, ret, envid, binaryMime);
        out.reply(250, "2.1.0", "Sender OK");
    }

    // RFC 5321 §4.1.1.3 RCPT; RFC 3461 §4.1/§4.2 NOTIFY and ORCPT.
    private void rcpt(Command.Rcpt r) {
        if (tx == null) {
            throw SmtpReply.badSequence("Need MAIL before RCPT");
        }
        if (tx.recipients.size() >= config.maxRecipients()) {
            throw new SmtpReply(452, "4.5.3", "Too many recipients"); // RFC 5321 §4.5.3.1.10
        }
        String notify = "";
        String orcpt = "";
        for (Map.Entry<String, String> p : r.params().entrySet()) {
            String v = p.getValue();
            switch (p.getKey()) {
                case "NOTIFY" -> {
                    notify = v.toUpperCase(Locale.ROOT);
                    List<String> items = List.of(notify.split(",", -1));
                    boolean never = items.contains("NEVER");
                    if (v.isEmpty() || (never && items.size() > 1) || !items.stream().allMatch(
                            i -> i.equals("NEVER") || i.equals("SUCCESS") || i.equals("FAILURE") || i.equals("DELAY"))) {
                        throw SmtpReply.syntax("Bad NOTIFY value");
                    }
                }
                case "ORCPT" -> {
                    if (v.indexOf(';') <= 0 || v.length() > 500) {
                        throw SmtpReply.syntax("Bad ORCPT value");
                    }
                    orcpt = v;
                }
                default -> throw SmtpReply.badParameter("Unsupported RCPT parameter");
            }
        }
        boolean mayRelay = ctx.kind() != ListenerKind.LMTP
                && (user != null || ctx.kind() == ListenerKind.MX && trusted);
        if (r.postmaster()) {
            tx.recipients.add(new Transaction.Recipient("postmaster", postmaster(), notify, orcpt));
            out.reply(250, "2.1.5", "Recipient OK");
            return;
        }
        MailAddress to = r.to().orElseThrow();
        if (!tx.smtputf8 && !to.isAscii()) {
            throw new SmtpReply(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); // RFC 6531 §3.5
        }
        RecipientPolicy.Decision decision = ctx.policy().recipient(to, mayRelay, tx.sizeHint);
        tx.recipients.add(new Transaction.Recipient(to.wire(), decision, notify, orcpt));
        out.reply(250, "2.1.5", "Recipient OK");
    }

    /** RFC 5321 §4.5.1: "<Postmaster>" without a domain must be accepted; it goes to the host's domain. */
    private RecipientPolicy.Decision postmaster() {
        String domain = config.hostname().contains(".")
                ? config.hostname().substring(config.hostname().indexOf('.') + 1) : config.hostname();
        for (String d : List.of(config.hostname(), domain)) {
            try {
                return ctx.policy().recipient(new MailAddress("postmaster", d, false, false), false, 0);
            } catch (SmtpReply ignored) {
                // try the next candidate
            }
        }
        throw new SmtpReply(550, "5.1.1", "No postmaster mailbox configured");
    }

    // RFC 5321 §4.1.1.4 DATA
    private void data() throws IOException {
        if (tx == null) {
            throw SmtpReply.badSequence("Need MAIL before DATA");
        }
        if (tx.chunks != null) {
            throw SmtpReply.badSequence("DATA cannot follow BDAT"); // RFC 3030 §2
        }
        if (tx.binaryMime) {
            throw SmtpReply.badSequence("BODY=BINARYMIME needs BDAT"); // RFC 3030 §3: 503 to DATA
        }
        if (tx.recipients.isEmpty()) {
            throw new SmtpReply(554, "5.5.1", "No valid recipients");
        }
        try (StagedMessage staged = stage()) {
            out.reply(354, "", "Start mail input; end with <CRLF>.<CRLF>");
            conn.setReadTimeout(config.dataTimeout());
            SmtpReader.DataResult result = in.readData(staged.content(), config.maxMessageSize());
            if (result.oversize()) {
                throw new SmtpReply(552, "5.3.4", "Message size exceeds fixed maximum message size");
            }
            if (result.bareCrOrLf()) {
                throw new SmtpReply(554, "5.6.0", "Bare CR or LF in message; lines must end with CRLF");
            }
            if (result.lineTooLong()) {
                throw new SmtpReply(554, "5.6.0", "Message has a line longer than 1000 octets (RFC 5321 §4.5.3.1.6)");
            }
            finishMessage(staged);
        } finally {
            resetTransaction();
        }
    }

    // RFC 3030 §2 BDAT: the chunk is always read, even when the command fails, to stay in step.
    private void bdat(Command.Bdat b) throws IOException {
        conn.setReadTimeout(config.dataTimeout());
        if (tx == null || tx.recipients.isEmpty()) {
            in.readChunk(b.size(), null, 0);
            throw tx == null ? SmtpReply.badSequence("Need MAIL before BDAT")
                    : new SmtpReply(554, "5.5.1", "No valid recipients");
        }
        if (tx.chunks == null) {
            tx.chunks = stage();
        }
        long room = tx.chunkFailure == null ? config.maxMessageSize() - tx.chunks.contentLength() : 0;
        long written = in.readChunk(b.size(), tx.chunks.content(), room);
        if (written < b.size() && tx.chunkFailure == null) {
            tx.chunkFailure = new SmtpReply(552, "5.3.4", "Message size exceeds fixed maximum message size");
        }
        if (!b.last()) {
            if (tx.chunkFailure != null) {
                throw tx.chunkFailure;
            }
            out.reply(250, "2.0.0", b.size() + " octets received");
            return;
        }
        try (StagedMessage staged = tx.chunks) {
            if (tx.chunkFailure != null) {
                throw tx.chunkFailure;
            }
            finishMessage(staged);
        } finally {
            tx.chunks = null;
            resetTransaction();
        }
    }

    /** Opens the staging file with the trace fields of RFC 5321 §4.4 in front. */
    private StagedMessage stage() throws IOException {
        boolean tls = conn.isTls();
        Optional<String> tlsInfo = conn.tlsSession().map(s -> s.getProtocol() + " cipher " + s.getCipherSuite());
        String protocol = TraceHeaders.protocol(hello.kind(), tls, user != null, tx.smtputf8);
        Optional<String> single = tx.recipients.size() == 1 ? Optional.of(tx.recipients.getFirst().address())
                : Optional.empty();
        var facts = new TraceHeaders.Facts(hello.domain(), conn.remoteAddress().getHostAddress(), config.hostname(),
                protocol, tlsInfo, Optional.ofNullable(user).map(Account::address), id + "-" + (messages + 1), single);
        return new StagedMessage(ctx.stagingDirectory(), TraceHeaders.returnPath(tx.from),
                TraceHeaders.received(facts, ZonedDateTime.now(ZoneOffset.UTC)));
    }

    /** Delivers durably, then (and only then) answers 250 — or one reply per recipient on LMTP. */
    private void finishMessage(StagedMessage staged) throws IOException {
        if (staged.stagingError().isPresent()) {
            log.error("session {}: cannot stage message: {}", id, staged.stagingError().get().toString());
            throw SmtpReply.temporaryFailure();
        }
        try {
            staged.finish();
        } catch (IOException e) {
            log.error("session {}: cannot stage message: {}", id, e.toString());
            throw SmtpReply.temporaryFailure();
        }
        if (ctx.kind() == ListenerKind.MX && ctx.mxAuthentication().enabled()) {
            // RFC 8601 §5: verify, drop A-R fields that claim our authserv-id, prepend ours
            try {
                MxAuthentication.Stamp stamp = ctx.mxAuthentication().stamp(staged.clientContent(), id);
                staged.amend(stamp.field(), stamp.drop());
            } catch (IOException e) {
                log.error("session {}: cannot read staged message: {}", id, e.toString());
                throw SmtpReply.temporaryFailure();
            }
        }
        Instant now = Instant.now();
        if (ctx.kind() == ListenerKind.LMTP) {
            List<SmtpReply> replies = ctx.delivery().deliverEach(tx, staged, now);
            replies.forEach(out::reply);
            if (replies.stream().anyMatch(r -> r.code() == 250)) {
                messages++;
            }
            return;
        }
        try {
            ctx.delivery().deliverAll(tx, staged, now);
        } catch (StoreException e) {
            log.warn("session {}: delivery failed: {}", id, e.toString());
            throw Delivery.map(e);
        }
        messages++;
        if (user != null) {
            ctx.rateLimiter().record(user.address());
        }
        log.info("session {}: accepted message {}-{} ({} octets, {} recipients)", id, id, messages,
                staged.contentLength(), tx.recipients.size());
        out.reply(250, "2.0.0", "Message accepted as " + id + "-" + messages);
    }

    // RFC 3207 STARTTLS
    private void startTls() throws IOException {
        if (conn.isTls()) {
            throw SmtpReply.badSequence("TLS already active");
        }
        if (!conn.tlsAvailable() || ctx.kind() == ListenerKind.LMTP) {
            throw new SmtpReply(454, "4.7.0", "TLS not available");
        }
        out.reply(220, "2.0.0", "Ready to start TLS");
        out.flush();
        conn.startTls(); // discards anything pipelined after STARTTLS (RFC 3207 §4.2)
        bindStreams();
        resetTransaction();
        hello = null;
        user = null;
    }

    // RFC 4954 AUTH
    private void auth(Command.Auth a) throws IOException {
        if (!ctx.kind().isSubmission()) {
            throw new SmtpReply(502, "5.5.1", "AUTH not available on this port");
        }
        if (hello == null || hello.kind() == Command.Hello.Kind.HELO) {
            throw SmtpReply.badSequence("Send EHLO first");
        }
        if (user != null) {
            throw SmtpReply.badSequence("Already authenticated");
        }
        if (tx != null) {
            throw SmtpReply.badSequence("AUTH not allowed during a mail transaction");
        }
        if (!tlsOrExempt()) {
            throw new SmtpReply(538, "5.7.11", "Encryption required for requested authentication mechanism");
        }
        SaslExchange.Credentials credentials = sasl.run(a);
        AuthResult result = ctx.authenticator().authenticate(credentials.username(), credentials.password(),
                conn.remoteAddress(), "smtp");
        switch (result) {
            case AuthResult.Success s -> {
                user = s.account();
                log.info("session {}: authenticated as {}", id, user.address());
                out.reply(235, "2.7.0", "Authentication successful");
            }
            case AuthResult.Throttled t -> throw new SmtpReply(454, "4.7.0", "Too many failures, try again later");
            case AuthResult.Failure f -> {
                authFailures++;
                log.info("session {}: authentication failed ({})", id, f.reason());
                throw new SmtpReply(535, "5.7.8", "Authentication credentials invalid",
                        authFailures >= config.maxAuthFailures());
            }
        }
    }
}
