/**
 * The POP3 server (RFC 1939, RFC 2449 CAPA and response codes, RFC 5034 SASL AUTH, RFC 2595 STLS).
 *
 * <p>Owns the codec ({@link jotmai.pop3.LineReader}, {@link jotmai.pop3.CommandParser},
 * {@link jotmai.pop3.Pop3Command}, {@link jotmai.pop3.ResponseWriter}, {@link jotmai.pop3.MessageStreamer}),
 * the session state machine ({@link jotmai.pop3.Pop3Session}: AUTHORIZATION → TRANSACTION → UPDATE), the
 * per-session {@link jotmai.pop3.Maildrop} snapshot and {@link jotmai.pop3.Pop3Server}.
 *
 * <p>Depends on jotmai-store-api and jotmai-shared only; it must not import another protocol or a store
 * backend. The codec classes do not touch the store.
 */
package jotmai.pop3;
