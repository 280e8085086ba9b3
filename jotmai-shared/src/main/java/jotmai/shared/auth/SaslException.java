package jotmai.shared.auth;

/**
 * A client's SASL response could not be decoded (bad base64, missing NULs, bad UTF-8, too long,
 * authzid not allowed). Protocols answer with their "malformed authentication" error: SMTP 501 5.5.2
 * (RFC 4954 §4), IMAP BAD / NO (RFC 9051 §6.2.2), POP3 -ERR (RFC 5034 §4). The message is safe to log:
 * it never contains the response itself.
 */
public final class SaslException extends RuntimeException {

    public SaslException(String message) {
        super(message, null, false, false);
    }
}
