package jotmai.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session with one remote server (RFC 5321 §3): greeting, EHLO (HELO when EHLO is refused,
 * §3.2), STARTTLS by policy (RFC 3207), AUTH for a relay host (RFC 4954), then any number of
 * transactions ({@link #send}), then QUIT. Reads top to bottom like the client side of the RFC.
 */
final class OutboundSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboundSession.class);

    /** Closes a connection whose write is stuck (a peer that stops reading), see RFC 5321 §4.5.3.2.5. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "delivery-write-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Result of a session-level step that failed: temporary (try another host / later) or permanent. */
    static final class SessionFailure extends Exception {
        final Reply reply;

        SessionFailure(Reply reply) {
            super(reply.oneLine());
            this.reply = reply;
        }
    }

    /** STARTTLS was accepted but the handshake failed (untrusted certificate, no common cipher, ...). */
    static final class TlsHandshakeFailed extends IOException {
        TlsHandshakeFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One recipient as sent in RCPT TO, with its RFC 3461 parameters ("" when absent). */
    record Rcpt(String address, String notifyOn, String orcpt) {}

    /**
     * What must have happened before the end of a message's data is sent (the previous message's
     * outcome on stable storage, see {@link PendingOutcome}).
     */
    interface EndBarrier {
        EndBarrier NONE = new EndBarrier() {
            @Override
            public boolean passed() {
                return true;
            }

            @Override
            public void await() {
            }
        };

        boolean passed();

        void await() throws IOException;
    }

    /** One transaction's envelope. */
    record Envelope(String from, List<Rcpt> recipients, String ret, String envid, boolean smtputf8,
                    boolean eightBit, long size, boolean binaryMime) {
        Envelope(String from, List<Rcpt> recipients, String ret, String envid, boolean smtputf8, boolean eightBit,
                 long size) {
            this(from, recipients, ret, envid, smtputf8, eightBit, size, false);
        }
    }

    private final SmtpConnection conn;
    private final String sessionId;
    private final Timeouts timeouts;
    private final Set<String> extensions = new HashSet<>();
    private long sizeLimit;
    private boolean esmtp;

    private OutboundSession(SmtpConnection conn, String sessionId, Timeouts timeouts) {
        this.conn = conn;
        this.sessionId = sessionId;
        this.timeouts = timeouts;
    }

    /**
     * Connects to the first reachable address of the hop and runs the session start. Throws
     * SessionFailure for an SMTP-level refusal (5xx greeting, TLS required but unavailable), IOException
     * when no address could be reached.
     */
    static OutboundSession open(Router.Hop hop, String helloName, TlsMode tls, Supplier<SSLContext> tlsContext,
                                Timeouts timeouts, String sessionId) throws IOException, SessionFailure {
        IOException last = null;
        for (InetAddress address : hop.addresses()) {
            SmtpConnection conn;
            try {
                conn = SmtpConnection.open(new InetSocketAddress(address, hop.port()), timeouts.connect());
            } catch (IOException e) {
                last = e;
                continue;
            }
            OutboundSession s = new OutboundSession(conn, sessionId, timeouts);
            try {
                s.start(hop, helloName, tls, tlsContext);
                log.info("session {}: connected to {} [{}]:{} tls={}", sessionId, hop.host(),
                        address.getHostAddress(), hop.port(), conn.encrypted());
                return s;
            } catch (IOException | SessionFailure | RuntimeException e) {
                conn.close();
                throw e;
            }
        }
        throw last != null ? last : new IOException("no address for " + hop.host());
    }

    private void start(Router.Hop hop, String helloName, TlsMode tls, Supplier<SSLContext> tlsContext)
            throws IOException, SessionFailure {
        Reply greeting = conn.readReply(timeouts.greeting());
        if (greeting.code() != 220) {
            quietQuit();
            throw new SessionFailure(greeting);
        }
        hello(helloName);
        if (tls != TlsMode.NONE) {
            if (extensions.contains("STARTTLS")) {
                Reply r = conn.command("STARTTLS", timeouts.command());
                if (r.code() == 220) {
                    try {
                        conn.startTls(tlsContext.get(), hop.host());
                    } catch (IOException e) {
                        // The connection is unusable after a failed handshake; for OPPORTUNISTIC the
                        // runner retries on a new connection in clear text (RFC 7435 §3).
                        throw new TlsHandshakeFailed("TLS handshake with " + hop.host() + " failed: " + e.getMessage(), e);
                    }
                    hello(helloName); // RFC 3207 §4.2: forget what we knew, EHLO again
                } else if (tls == TlsMode.REQUIRED) {
                    throw new SessionFailure(Reply.local(451, "4.7.5 STARTTLS refused by " + hop.host() + ": "
                            + r.oneLine()));
                }
            } else if (tls == TlsMode.REQUIRED) {
                quietQuit();
                throw new SessionFailure(Reply.local(451, "4.7.4 TLS required but " + hop.host()
                        + " does not offer STARTTLS"));
            }
        }
        if (hop.auth().isPresent()) {
            authenticate(hop);
        }
    }

    private void hello(String helloName) throws IOException, SessionFailure {
        extensions.clear();
        sizeLimit = 0;
        Reply r = conn.command("EHLO " + helloName, timeouts.command());
        if (r.code() == 250) {
            esmtp = true;
            for (String line : r.lines().subList(1, r.lines().size())) {
                String[] words = line.trim().split("\\s+");
                String keyword = words[0].toUpperCase(Locale.ROOT);
                extensions.add(keyword);
                if (keyword.equals("SIZE") && words.length > 1) {
                    try {
                        sizeLimit = Long.parseLong(words[1]);
                    } catch (NumberFormatException ignored) {
                        sizeLimit = 0;
                    }
                }
                if (keyword.equals("AUTH")) {
                    for (int i = 1; i < words.length; i++) {
                        extensions.add("AUTH=" + words[i].toUpperCase(Locale.ROOT));
                    }
                }
            }
            return;
        }
        // RFC 5321 §3.2: a server that does not know EHLO answers 500/502; fall back to HELO.
        esmtp = false;
        Reply helo = conn.command("HELO " + helloName, timeouts.command());
        if (helo.code() != 250) {
            throw new SessionFailure(helo);
        }
    }

    /** RFC 4954 with PLAIN (RFC 4616), or LOGIN when PLAIN is not offered. */
    private void authenticate(Router.Hop hop) throws IOException, SessionFailure {
        Route.Credentials c = hop.auth().orElseThrow();
        boolean loopback = hop.addresses().stream().allMatch(InetAddress::isLoopbackAddress);
        if (!conn.encrypted() && !loopback) {
            throw new SessionFailure(Reply.local(451, "4.7.0 not sending credentials to " + hop.host()
                    + " without TLS"));
        }
        Reply r;
        if (extensions.contains("AUTH=PLAIN") || !extensions.contains("AUTH=LOGIN")) {
            String token = Base64.getEncoder().encodeToString(("\0" + c.username() + "\0" + c.password())
                    .getBytes(StandardCharsets.UTF_8));
            r = conn.command("AUTH PLAIN " + token, timeouts.command());
        } else {
            r = conn.command("AUTH LOGIN", timeouts.command());
            if (r.code() == 334) {
                r = conn.command(b64(c.username()), timeouts.command());
            }
            if (r.code() == 334) {
                r = conn.command(b64(c.password()), timeouts.command());
            }
        }
        if (r.code() != 235) {
            // 535 for a relay host is a configuration problem: defer (the operator fixes it), never bounce.
            throw new SessionFailure(Reply.local(451, "4.7.8 relay host refused authentication: " + r.oneLine()));
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    boolean supports(String extension) {
        return extensions.contains(extension);
    }

    /** The peer's SIZE limit, 0 when it has none (RFC 1870). */
    long sizeLimit() {
        return sizeLimit;
    }

    boolean esmtp() {
        return esmtp;
    }

    /**
     * One mail transaction. Returns one reply per recipient, in order: the RCPT refusal, or the reply
     * to the final dot for accepted recipients. With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go
     * out in one write and the replies are read in order.
     */
    List<Reply> send(Envelope env, byte[] content) throws IOException {
        return send(env, content, EndBarrier.NONE);
    }

    /** {@link #send(Envelope, byte[])}, holding the final dot back until {@code beforeEnd} is passed. */
    List<Reply> send(Envelope env, byte[] content, EndBarrier beforeEnd) throws IOException {
        List<String> commands = new ArrayList<>();
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(env.from()).append('>');
        if (supports("SIZE")) {
            mail.append(" SIZE=").append(env.size());
        }
        if (env.binaryMime()) {
            mail.append(" BODY=BINARYMIME"); // RFC 3030 §3, only with BDAT (see sendChunked)
        } else if (env.eightBit() && supports("8BITMIME")) {
            mail.append(" BODY=8BITMIME");
        }
        if (env.smtputf8() && supports("SMTPUTF8")) {
            mail.append(" SMTPUTF8");
        }
        boolean dsn = supports("DSN");
        if (dsn && !env.ret().isEmpty()) {
            mail.append(" RET=").append(env.ret());
        }
        if (dsn && !env.envid().isEmpty()) {
            mail.append(" ENVID=").append(env.envid());
        }
        commands.add(mail.toString());
        for (Rcpt r : env.recipients()) {
            StringBuilder rcpt = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
            if (dsn && !r.notifyOn().isEmpty()) {
                rcpt.append(" NOTIFY=").append(r.notifyOn());
            }
            if (dsn && !r.orcpt().isEmpty()) {
                rcpt.append(" ORCPT=").append(r.orcpt());
            }
            commands.add(rcpt.toString());
        }
        if (env.binaryMime()) {
            return sendChunked(env, commands, content, beforeEnd);
        }
        boolean pipelining = supports("PIPELINING");
        List<Reply> rcptReplies = new ArrayList<>();
        Reply mailReply;
        Reply dataReply;
        if (pipelining) {
            for (String c : commands) {
                conn.writeLine(c);
            }
            conn.writeLine("DATA");
            conn.flush();
            mailReply = conn.readReply(timeouts.command());
            for (int i = 0; i < env.recipients().size(); i++) {
                rcptReplies.add(conn.readReply(timeouts.command()));
            }
            dataReply = conn.readReply(timeouts.dataInit());
        } else {
            mailReply = mailThenRcptsOneByOne(commands, rcptReplies);
            if (!mailReply.positive()) {
                return fill(mailReply, env.recipients().size());
            }
            if (rcptReplies.stream().noneMatch(Reply::positive)) {
                reset();
                return rcptReplies;
            }
            dataReply = conn.command("DATA", timeouts.dataInit());
        }
        if (!mailReply.positive()) {
            if (dataReply.code() == 354) {
                abortData();
            }
            return fill(mailReply, env.recipients().size());
        }
        boolean anyAccepted = rcptReplies.stream().anyMatch(Reply::positive);
        if (dataReply.code() != 354) {
            reset();
            List<Reply> out = new ArrayList<>();
            for (Reply r : rcptReplies) {
                out.add(r.positive() ? dataReply : r);
            }
            return out;
        }
        if (!anyAccepted) {
            abortData(); // RFC 2920 §3.1: DATA accepted although no recipient was; send an empty message? no: end it
            return rcptReplies;
        }
        writeData(content, beforeEnd);
        Reply end = conn.readReply(timeouts.dataTermination());
        List<Reply> out = new ArrayList<>();
        for (Reply r : rcptReplies) {
            out.add(r.positive() ? end : r);
        }
        return out;
    }

    /**
     * Without PIPELINING (RFC 5321 §3.3): MAIL, then, only when it was accepted, each RCPT in its own
     * round trip; their replies go to {@code rcptReplies}. Returns MAIL's reply.
     */
    private Reply mailThenRcptsOneByOne(List<String> commands, List<Reply> rcptReplies) throws IOException {
        Reply mailReply = conn.command(commands.get(0), timeouts.command());
        if (mailReply.positive()) {
            for (int i = 1; i < commands.size(); i++) {
                rcptReplies.add(conn.command(commands.get(i), timeouts.command()));
            }
        }
        return mailReply;
    }

    /**
     * RFC 3030 §2/§3: MAIL (BODY=BINARYMIME) and the RCPTs (pipelined when offered), then, when a
     * recipient was accepted, the content as it is in one {@code BDAT n LAST} chunk: no dot-stuffing,
     * no line-end repair. The last octet waits for {@code beforeEnd}, as the final dot does with DATA.
     */
    private List<Reply> sendChunked(Envelope env, List<String> commands, byte[] content, EndBarrier beforeEnd)
            throws IOException {
        Reply mailReply;
        List<Reply> rcptReplies = new ArrayList<>();
        if (supports("PIPELINING")) {
            for (String c : commands) {
                conn.writeLine(c);
            }
            conn.flush();
            mailReply = conn.readReply(timeouts.command());
            for (int i = 0; i < env.recipients().size(); i++) {
                rcptReplies.add(conn.readReply(timeouts.command()));
            }
        } else {
            mailReply = mailThenRcptsOneByOne(commands, rcptReplies);
            if (!mailReply.positive()) {
                return fill(mailReply, env.recipients().size());
            }
        }
        if (!mailReply.positive()) {
            reset();
            return fill(mailReply, env.recipients().size());
        }
        if (rcptReplies.stream().noneMatch(Reply::positive)) {
            reset();
            return rcptReplies;
        }
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(conn::close,
                timeouts.dataBlock().toMillis() + content.length / 64, TimeUnit.MILLISECONDS);
        try {
            conn.writeLine("BDAT " + content.length + " LAST");
            OutputStream out = conn.raw();
            int last = content.length - 1;
            out.write(content, 0, Math.max(0, last));
            if (!beforeEnd.passed()) {
                conn.flush();
                beforeEnd.await();
            }
            if (last >= 0) {
                out.write(content, last, 1);
            }
            conn.flush();
        } finally {
            watchdog.cancel(false);
        }
        Reply end = conn.readReply(timeouts.dataTermination());
        List<Reply> out = new ArrayList<>();
        for (Reply r : rcptReplies) {
            out.add(r.positive() ? end : r);
        }
        return out;
    }

    private static List<Reply> fill(Reply r, int n) {
        List<Reply> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(r);
        }
        return out;
    }

    private void abortData() throws IOException {
        // Ending the data at once transmits an empty message; RSET afterwards is not possible. RFC 2920
        // §3.1 leaves a client no other choice; servers answer 554 "no valid recipients" before this.
        conn.writeLine(".");
        conn.flush();
        conn.readReply(timeouts.dataTermination());
    }

    /**
     * Before reusing a connection that sat idle: RSET (RFC 5321 §4.1.1.5) proves the peer is still there
     * and the session clean, so a connection the peer closed meanwhile costs a reconnect, not a deferral.
     */
    boolean stillThere() {
        try {
            return conn.command("RSET", timeouts.command()).code() == 250;
        } catch (IOException e) {
            return false;
        }
    }

    private void reset() throws IOException {
        conn.command("RSET", timeouts.command());
    }

    /** RFC 5321 §4.5.2: dot-stuffing; bare LF/CR become CRLF; the data ends with CRLF . CRLF. */
    private void writeData(byte[] content, EndBarrier beforeEnd) throws IOException {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(conn::close,
                timeouts.dataBlock().toMillis() + content.length / 64, TimeUnit.MILLISECONDS);
        try {
            OutputStream out = conn.raw();
            boolean lineStart = true;
            for (int i = 0; i < content.length; i++) {
                byte b = content[i];
                if (b == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
                    continue; // written with the LF
                }
                if (b == '\n' || b == '\r') {
                    out.write('\r');
                    out.write('\n');
                    lineStart = true;
                    continue;
                }
                if (lineStart && b == '.') {
                    out.write('.');
                }
                out.write(b);
                lineStart = false;
            }
            if (!lineStart) {
                out.write('\r');
                out.write('\n');
            }
            if (!beforeEnd.passed()) {
                conn.flush(); // the peer receives the data meanwhile; only the end waits
                beforeEnd.await();
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            conn.flush();
        } finally {
            watchdog.cancel(false);
        }
    }

    private void quietQuit() {
        try {
            conn.command("QUIT", Duration.ofSeconds(5));
        } catch (IOException ignored) {
            // the peer is going away anyway
        }
    }

    @Override
    public void close() {
        quietQuit();
        conn.close();
    }

    String sessionId() {
        return sessionId;
    }

    Optional<String> extension(String keyword) {
        return extensions.contains(keyword) ? Optional.of(keyword) : Optional.empty();
    }
}
