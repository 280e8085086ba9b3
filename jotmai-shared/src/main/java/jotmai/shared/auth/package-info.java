/**
 * Authentication shared by all protocols: password hashing (Argon2id by default; Dovecot's
 * {ARGON2ID}, {BLF-CRYPT}, {SHA512-CRYPT}, {SHA256-CRYPT} verified for migration), the
 * {@link jotmai.shared.auth.Authenticator} with failure throttling, and SASL PLAIN/LOGIN decoding.
 */
package jotmai.shared.auth;
