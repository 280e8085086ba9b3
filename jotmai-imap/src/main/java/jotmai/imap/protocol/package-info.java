/**
 * The IMAP codec: {@link jotmai.imap.protocol.ImapReader} (lines and literals, bounded),
 * {@link jotmai.imap.protocol.CommandParser} (recursive descent into sealed
 * {@link jotmai.imap.protocol.Command} records) and {@link jotmai.imap.protocol.ResponseWriter} (the only
 * path to the wire, choosing atom, quoted string or literal per content).
 *
 * <p>Pure: it parses without a session and must not import the store or the session package
 * (jotmai.imap). Grammar references are to RFC 9051 §9 unless said otherwise.
 */
package jotmai.imap.protocol;
