/**
 * TLS contexts from PEM files (as certbot writes them), reloaded when the files change, or a
 * self-signed certificate generated on first start. TLS 1.2 and 1.3 only.
 */
package jotmai.shared.tls;
