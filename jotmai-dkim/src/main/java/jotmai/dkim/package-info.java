/**
 * DKIM (RFC 6376, RFC 8463 ed25519-sha256): canonicalization, keys under DATA/dkim, signing
 * ({@link jotmai.dkim.DkimSigner}, used by jotmai-delivery) and verification with an RFC 8601
 * Authentication-Results field ({@link jotmai.dkim.DkimVerifier}, used by jotmai-smtp on the MX port).
 *
 * <p>Depends only on the JDK, dnsjava (TXT key lookups) and SLF4J; never on a protocol or the store.
 */
package jotmai.dkim;
