package jotmai.smtp;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** Return-Path and Received trace fields (RFC 5321 §4.4; "with" values of RFC 3848 and RFC 6531 §4.3). */
final class TraceHeaders {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private TraceHeaders() {
    }

    /** Facts about the session that go into the Received field. */
    record Facts(String helo, String remoteIp, String byHost, String protocol, Optional<String> tls,
                 Optional<String> authenticatedUser, String id, Optional<String> singleRecipient) {}

    static String returnPath(Optional<MailAddress> from) {
        return "Return-Path: <" + from.map(MailAddress::wire).orElse("") + ">\r\n";
    }

    /** RFC 3848 / RFC 6531 §4.3 protocol name: ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTPSA, LMTP ... */
    static String protocol(Command.Hello.Kind hello, boolean tls, boolean authenticated, boolean smtputf8) {
        String base = switch (hello) {
            case HELO -> "SMTP";
            case EHLO -> smtputf8 ? "UTF8SMTP" : "ESMTP";
            case LHLO -> smtputf8 ? "UTF8LMTP" : "LMTP";
        };
        if (hello == Command.Hello.Kind.HELO) {
            return base;
        }
        return base + (tls ? "S" : "") + (authenticated ? "A" : "");
    }

    static String received(Facts f, ZonedDateTime now) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("Received: from ").append(clean(f.helo())).append(" ([").append(f.remoteIp()).append("])\r\n");
        sb.append("\tby ").append(f.byHost()).append(" (Jotmai) with ").append(f.protocol());
        f.tls().ifPresent(t -> sb.append("\r\n\t(").append(clean(t)).append(')'));
        f.authenticatedUser().ifPresent(u -> sb.append("\r\n\t(authenticated as ").append(clean(u)).append(')'));
        sb.append("\r\n\tid ").append(f.id());
        f.singleRecipient().ifPresent(r -> sb.append("\r\n\tfor <").append(clean(r)).append('>'));
        sb.append(";\r\n\t").append(DATE.format(now)).append("\r\n");
        return sb.toString();
    }

    /** Keeps client-supplied text from breaking the header: no controls, no comment delimiters. */
    private static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && i < 255; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || c == '(' || c == ')' || c == '\\' ? '?' : c);
        }
        return sb.toString();
    }
}
