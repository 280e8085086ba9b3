/**
 * The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1): {@link jotmai.imap.ImapServer} binds the
 * listeners, each connection runs one {@code ImapSession} on its own virtual thread, which turns parsed
 * commands into store calls through small handler classes, one per command group.
 *
 * <p>Depends on jotmai.store (API only), jotmai.message and jotmai.shared; never on a store backend or
 * another protocol.
 */
package jotmai.imap;
