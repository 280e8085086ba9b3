package jotmai.imap;

import java.util.List;

import jotmai.imap.protocol.ResponseWriter;
import jotmai.message.Address;
import jotmai.message.BodyPart;
import jotmai.message.Envelope;

/** Writes ENVELOPE and BODY/BODYSTRUCTURE (RFC 9051 §7.5.2) from the parse-once structure. */
final class StructureWriter {
    private final ResponseWriter out;

    StructureWriter(ResponseWriter out) {
        this.out = out;
    }

    void envelope(Envelope e) {
        if (e == null) {
            out.atom("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
            return;
        }
        out.open();
        out.nstring(e.date()).sp();
        out.nstring(e.subject()).sp();
        addresses(e.from());
        out.sp();
        addresses(e.sender());
        out.sp();
        addresses(e.replyTo());
        out.sp();
        addresses(e.to());
        out.sp();
        addresses(e.cc());
        out.sp();
        addresses(e.bcc());
        out.sp();
        out.nstring(e.inReplyTo()).sp();
        out.nstring(e.messageId());
        out.close();
    }

    private void addresses(List<Address> list) {
        if (list == null || list.isEmpty()) {
            out.nil();
            return;
        }
        out.open();
        for (Address a : list) {
            out.open().nstring(a.name()).sp().nstring(a.adl()).sp().nstring(a.mailbox()).sp().nstring(a.host()).close();
        }
        out.close();
    }

    /** BODY when {@code extended} is false, BODYSTRUCTURE when true. */
    void body(BodyPart part, boolean extended) {
        out.open();
        if (part.isMultipart() && !part.parts().isEmpty()) {
            for (BodyPart child : part.parts()) {
                body(child, extended);
            }
            out.sp().string(part.subtype());
            if (extended) {
                out.sp();
                params(part.params());
                out.sp();
                disposition(part.disposition());
                out.sp();
                language(part.language());
                out.sp().nstring(part.location());
            }
            out.close();
            return;
        }
        boolean multipartWithoutParts = part.isMultipart();
        // a multipart without parts is shown as an empty text/plain per common practice (Dovecot)
        out.string(multipartWithoutParts ? "text" : part.type()).sp()
                .string(multipartWithoutParts ? "plain" : part.subtype()).sp();
        params(part.params());
        out.sp().nstring(part.contentId()).sp().nstring(part.description()).sp()
                .string(part.encoding()).sp().number(part.bodyLength());
        if (part.message() != null && isMessage(part)) {
            out.sp();
            envelope(part.message().envelope());
            out.sp();
            body(part.message().body(), extended);
            out.sp().number(part.bodyLines());
        } else if (part.type().equalsIgnoreCase("text")) {
            out.sp().number(part.bodyLines());
        }
        if (extended) {
            out.sp().nstring(part.md5()).sp();
            disposition(part.disposition());
            out.sp();
            language(part.language());
            out.sp().nstring(part.location());
        }
        out.close();
    }

    static boolean isMessage(BodyPart part) {
        return part.type().equalsIgnoreCase("message")
                && (part.subtype().equalsIgnoreCase("rfc822") || part.subtype().equalsIgnoreCase("global"));
    }

    private void params(List<BodyPart.Param> params) {
        if (params == null || params.isEmpty()) {
            out.nil();
            return;
        }
        out.open();
        boolean first = true;
        for (BodyPart.Param p : params) {
            if (!first) {
                out.sp();
            }
            out.string(p.name()).sp().string(p.value() == null ? "" : p.value());
            first = false;
        }
        out.close();
    }

    private void disposition(BodyPart.Disposition d) {
        if (d == null) {
            out.nil();
            return;
        }
        out.open().string(d.type()).sp();
        params(d.params());
        out.close();
    }

    private void language(List<String> language) {
        if (language == null || language.isEmpty()) {
            out.nil();
        } else if (language.size() == 1) {
            out.string(language.get(0));
        } else {
            out.open();
            for (int i = 0; i < language.size(); i++) {
                if (i > 0) {
                    out.sp();
                }
                out.string(language.get(i));
            }
            out.close();
        }
    }
}
