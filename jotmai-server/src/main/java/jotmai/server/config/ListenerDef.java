package jotmai.server.config;

import java.util.List;

/**
 * One of the fixed listeners Jotmai knows, with its well-known port. Each has the keys
 * {@code <name>.enabled}, {@code <name>.port} and {@code <name>.bind}.
 *
 * @param name        the key prefix and log label
 * @param defaultPort the IANA port
 * @param implicitTls TLS from the first byte (RFC 8314) rather than STARTTLS/STLS
 * @param purpose     one line for the docs
 * @param defaultOn   whether it runs unless configured off
 * @param defaultBind the default of {@code <name>.bind}
 */
public record ListenerDef(String name, int defaultPort, boolean implicitTls, String purpose, boolean defaultOn,
                          String defaultBind) {

    ListenerDef(String name, int defaultPort, boolean implicitTls, String purpose) {
        this(name, defaultPort, implicitTls, purpose, true, ConfigKeys.ALL_ADDRESSES);
    }

    public static final ListenerDef SMTP = new ListenerDef("smtp", 25, false,
            "SMTP for mail from other servers (MX), STARTTLS offered (RFC 5321, RFC 3207)");
    public static final ListenerDef SUBMISSION = new ListenerDef("submission", 587, false,
            "mail submission by users, STARTTLS then AUTH required (RFC 6409)");
    public static final ListenerDef SUBMISSIONS = new ListenerDef("submissions", 465, true,
            "mail submission over implicit TLS, AUTH required (RFC 8314)");
    public static final ListenerDef IMAP = new ListenerDef("imap", 143, false,
            "IMAP with STARTTLS (RFC 9051, RFC 3501)");
    public static final ListenerDef IMAPS = new ListenerDef("imaps", 993, true,
            "IMAP over implicit TLS (RFC 8314)");
    public static final ListenerDef POP3 = new ListenerDef("pop3", 110, false,
            "POP3 with STLS (RFC 1939, RFC 2595)");
    public static final ListenerDef POP3S = new ListenerDef("pop3s", 995, true,
            "POP3 over implicit TLS (RFC 8314)");

    public static final ListenerDef LMTP = new ListenerDef("lmtp", 24, false,
            "LMTP (RFC 2033) for another MTA in front that delivers to Jotmai's mailboxes; no AUTH, "
                    + "so keep it on loopback or a trusted network", false, "127.0.0.1");

    public static final List<ListenerDef> ALL =
            List.of(SMTP, SUBMISSION, SUBMISSIONS, LMTP, IMAP, IMAPS, POP3, POP3S);

    public ConfigKey<Boolean> enabledKey() {
        return new ConfigKey<>(name + ".enabled", ValueType.BOOLEAN, Boolean.toString(defaultOn), "Whether the " + name
                + " listener runs: " + purpose + ".");
    }

    public ConfigKey<Integer> portKey() {
        return new ConfigKey<>(name + ".port", ValueType.PORT, Integer.toString(defaultPort),
                "TCP port of the " + name + " listener (before " + ConfigKeys.PORT_OFFSET.name() + " is added).");
    }

    public ConfigKey<List<String>> bindKey() {
        return new ConfigKey<>(name + ".bind", ValueType.LIST, defaultBind,
                "Addresses the " + name + " listener binds to; `*` means every address (IPv6 and IPv4).");
    }
}
