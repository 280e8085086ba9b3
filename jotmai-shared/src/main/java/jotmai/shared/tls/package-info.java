/**
 * TLS contexts from PEM files (as certbot writes them), reloaded when the files change, or a
 * self-signed certificate generated on first start under the data directory. {@link
 * jotmai.shared.tls.TlsPolicy} restricts every server socket to TLS 1.2 and 1.3 with forward-secret AEAD
 * suites; client-initiated renegotiation is refused. {@link jotmai.shared.tls.InsecureClientTls} is for
 * tests only.
 */
package jotmai.shared.tls;
