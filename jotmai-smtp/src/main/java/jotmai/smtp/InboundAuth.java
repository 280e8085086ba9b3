package jotmai.smtp;

import java.util.Optional;

import jotmai.dkim.DkimVerifier;

/**
 * What the MX listener does about message authentication (RFC 8601): with an authserv-id it removes
 * Authentication-Results fields that claim that id (§5), and with a verifier it checks DKIM signatures
 * (RFC 6376 §6) and prepends {@code Authentication-Results: <authservId>; dkim=...}. Submission and
 * LMTP listeners never do either.
 *
 * @param authservId our authserv-id (usually the host name); "" = do nothing at all
 * @param dkim       the verifier; empty = no DKIM check and no Authentication-Results field
 */
public record InboundAuth(String authservId, Optional<DkimVerifier> dkim) {

    public static InboundAuth off() {
        return new InboundAuth("", Optional.empty());
    }

    boolean enabled() {
        return !authservId.isEmpty();
    }
}
