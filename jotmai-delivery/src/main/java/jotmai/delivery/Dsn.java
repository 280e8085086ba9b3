package jotmai.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jotmai.store.QueueStore.QueuedMessage;

/** Builds RFC 3464 delivery status notifications (multipart/report, RFC 6522). */
final class Dsn {

    /** RFC 3464 §2.3.3 actions we report; RELAYED: handed to a server without DSN (RFC 3461 §4.1). */
    enum Action { FAILED, DELAYED, RELAYED }

    /** One recipient line of the report. */
    record Entry(String address, String orcpt, String reply, String remoteMta) {}

    private static final Pattern ENHANCED = Pattern.compile("\\b([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private Dsn() {}

    /** RFC 3463 status from the reply's enhanced code, else from its basic code. */
    static String status(String reply, Action action) {
        Matcher m = ENHANCED.matcher(reply);
        if (m.find()) {
            return m.group(1) + "." + m.group(2) + "." + m.group(3);
        }
        if (action == Action.DELAYED || reply.startsWith("4")) {
            return "4.0.0";
        }
        return "5.0.0";
    }

    static byte[] build(String reportingMta, QueuedMessage message, List<Entry> entries, Action action,
                        byte[] original, Instant now, Instant retryUntil) {
        String boundary = "=_dsn_" + UUID.randomUUID();
        String sender = message.envelopeFrom();
        StringBuilder b = new StringBuilder();
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
        b.append("To: <").append(sender).append(">\r\n");
        b.append("Subject: ").append(switch (action) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            case RELAYED -> "Successful Mail Delivery Report (relayed)";
        }).append("\r\n");
        b.append("Date: ").append(DATE.format(now)).append("\r\n");
        b.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingMta).append(">\r\n");
        b.append("Auto-Submitted: auto-replied\r\n"); // RFC 3834 §5: no auto-replies to this
        b.append("MIME-Version: 1.0\r\n");
        b.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"")
                .append(boundary).append("\"\r\n\r\n");
        b.append("This is a MIME-encapsulated message.\r\n\r\n");
        b.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        if (action == Action.FAILED) {
            b.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n")
                    .append("Your message could not be delivered to one or more recipients.\r\n")
                    .append("It is attached below.\r\n\r\n");
        } else if (action == Action.DELAYED) {
            b.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n")
                    .append("Your message could not be delivered yet; delivery is still being retried.\r\n")
                    .append("You do not need to send it again.\r\n\r\n");
        } else {
            b.append("This is the mail system at host ").append(reportingMta).append(".\r\n\r\n")
                    .append("Your message was passed on to a mail server that does not support delivery\r\n")
                    .append("notifications; you will not get a further notice about its delivery.\r\n\r\n");
        }
        for (Entry e : entries) {
            b.append("<").append(e.address()).append(">: ").append(e.reply()).append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\nContent-Type: message/delivery-status\r\n\r\n");
        // RFC 3464 §2.2 per-message fields
        b.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        if (!message.dsn().envid().isEmpty()) {
            b.append("Original-Envelope-Id: ").append(message.dsn().envid()).append("\r\n");
        }
        b.append("Arrival-Date: ").append(DATE.format(message.createdAt())).append("\r\n");
        for (Entry e : entries) {
            // RFC 3464 §2.3 per-recipient fields
            b.append("\r\nFinal-Recipient: rfc822; ").append(e.address()).append("\r\n");
            if (!e.orcpt().isEmpty()) {
                b.append("Original-Recipient: ").append(e.orcpt().replaceFirst(";", "; ")).append("\r\n");
            }
            b.append("Action: ").append(action.name().toLowerCase(Locale.ROOT)).append("\r\n");
            b.append("Status: ").append(status(e.reply(), action)).append("\r\n");
            if (!e.remoteMta().isEmpty()) {
                b.append("Remote-MTA: dns; ").append(e.remoteMta()).append("\r\n");
            }
            if (!e.reply().isEmpty()) {
                b.append("Diagnostic-Code: smtp; ").append(e.reply().replaceAll("[\r\n]+", " ")).append("\r\n");
            }
            b.append("Last-Attempt-Date: ").append(DATE.format(now)).append("\r\n");
            if (action == Action.DELAYED) {
                b.append("Will-Retry-Until: ").append(DATE.format(retryUntil)).append("\r\n");
            }
        }
        b.append("\r\n--").append(boundary).append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + b.length() + 256);
        boolean full = message.dsn().ret().equalsIgnoreCase("FULL") && action == Action.FAILED;
        if (full) {
            b.append("Content-Type: message/rfc822\r\n\r\n");
            out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(original);
        } else {
            // RFC 3462 text/rfc822-headers: the original header only
            b.append("Content-Type: text/rfc822-headers\r\n\r\n");
            out.writeBytes(b.toString().getBytes(StandardCharsets.UTF_8));
            RawMessage raw = RawMessage.parse(original);
            for (RawMessage.Field f : raw.fields()) {
                out.writeBytes(f.raw().getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /**
     * RFC 3461 §4.1: does the recipient's NOTIFY ask for this action? Absent = FAILURE and DELAY (§4.1:
     * the MTA's default, never SUCCESS); a "relayed" notice answers SUCCESS (§4.1, §6.2.3.3).
     */
    static boolean wanted(String notifyOn, Action action) {
        String n = notifyOn.toUpperCase(Locale.ROOT);
        if (n.isEmpty()) {
            return action != Action.RELAYED;
        }
        if (n.contains("NEVER")) {
            return false;
        }
        return n.contains(switch (action) {
            case FAILED -> "FAILURE";
            case DELAYED -> "DELAY";
            case RELAYED -> "SUCCESS";
        });
    }
}
