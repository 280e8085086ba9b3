package jotmai.message;

import java.util.List;

/** Builds the IMAP ENVELOPE (RFC 9051 §7.5.2) of a message from its header fields. */
final class Envelopes {
    private Envelopes() {}

    static Envelope of(HeaderBlock header) {
        List<Address> from = AddressParser.parse(header.first("From"));
        List<Address> sender = AddressParser.parse(header.first("Sender"));
        List<Address> replyTo = AddressParser.parse(header.first("Reply-To"));
        // RFC 9051 §7.5.2: "If the Sender or Reply-To header lines are absent in the [RFC5322]
        // header, or are present but empty, the server sets the corresponding member of the
        // envelope to be the same value as the from member."
        return new Envelope(
                Text.unfoldTrim(header.first("Date")),
                Text.unfoldTrim(header.first("Subject")),
                from,
                sender == null ? from : sender,
                replyTo == null ? from : replyTo,
                AddressParser.parse(header.first("To")),
                AddressParser.parse(header.first("Cc")),
                AddressParser.parse(header.first("Bcc")),
                Text.unfoldTrim(header.first("In-Reply-To")),
                Text.unfoldTrim(header.first("Message-ID")));
    }
}
