package jotmai.shared.tls;

/** The configured certificate or key cannot be used; the message is one clear line for the operator. */
public final class TlsSetupException extends RuntimeException {

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
