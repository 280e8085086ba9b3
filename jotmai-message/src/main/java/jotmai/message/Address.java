package jotmai.message;

/**
 * One address as IMAP's ENVELOPE shows it (RFC 9051 §7.5.2): personal name, at-domain-list (source
 * route, almost always null), mailbox (local part) and host. Strings are raw header text (RFC 2047
 * encoded words not decoded), null where IMAP sends NIL. A group start is {@code (NIL NIL "group" NIL)}
 * and its end {@code (NIL NIL NIL NIL)}, per RFC 9051 §7.5.2.
 */
public record Address(String name, String adl, String mailbox, String host) {}
