/**
 * The SMTP server (RFC 5321) for the MX, submission (RFC 6409) and implicit-TLS submission (RFC 8314)
 * listeners, and LMTP (RFC 2033). Owns: the bounded line/DATA reader, the pure command parser with
 * its sealed command records, the reply writer, the per-connection session state machine, the relay
 * and sender policy, and final delivery into {@link jotmai.store.MailStore} / {@link jotmai.store.QueueStore}.
 *
 * <p>Depends only on jotmai-store-api, jotmai-shared and jotmai-dkim (verification on the MX listener,
 * {@link jotmai.smtp.MxAuthentication}); must not import another protocol module, jotmai-delivery or a
 * store backend.
 */
package jotmai.smtp;
