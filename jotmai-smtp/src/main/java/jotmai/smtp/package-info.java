/**
 * The SMTP server (RFC 5321) for the MX, submission (RFC 6409) and implicit-TLS submission (RFC 8314)
 * listeners, and LMTP (RFC 2033). Owns: the bounded line/DATA reader, the pure command parser with
 * its sealed command records, the reply writer, the per-connection session state machine, the relay
 * and sender policy, and final delivery into {@link jotmai.store.MailStore} / {@link jotmai.store.QueueStore}.
 *
 * <p>Depends only on jotmai-store-api and jotmai-shared; must not import another protocol module or a
 * store backend.
 */
package jotmai.smtp;
