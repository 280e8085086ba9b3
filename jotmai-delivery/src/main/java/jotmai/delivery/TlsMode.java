package jotmai.delivery;

/**
 * STARTTLS policy for a destination (RFC 3207). OPPORTUNISTIC uses TLS when the peer offers it and
 * falls back to plain text when the handshake fails (RFC 7435 opportunistic security); REQUIRED defers
 * the message instead of sending it in clear text.
 */
public enum TlsMode { NONE, OPPORTUNISTIC, REQUIRED }
