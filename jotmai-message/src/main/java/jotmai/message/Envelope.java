package jotmai.message;

import java.util.List;

/**
 * The envelope of a message (RFC 9051 §7.5.2 ENVELOPE): raw header values, null for NIL. Per the RFC,
 * sender and reply-to default to from when absent; that defaulting is done by the parser, so the
 * record is what the wire shows.
 */
public record Envelope(
        String date,
        String subject,
        List<Address> from,
        List<Address> sender,
        List<Address> replyTo,
        List<Address> to,
        List<Address> cc,
        List<Address> bcc,
        String inReplyTo,
        String messageId) {}
