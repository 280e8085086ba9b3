package jotmai.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.dkim.AuthenticationResults;
import jotmai.dkim.DkimResult;
import jotmai.dkim.DkimVerifier;
import jotmai.dkim.HeaderField;
import jotmai.dkim.MessageHeader;
import jotmai.store.MessageSource;

/**
 * Checks a message received on the MX listener before it is stored: verifies its DKIM signatures and
 * finds forged Authentication-Results fields (RFC 8601 §5). Reads the staged content once, streaming.
 */
final class MxAuthentication {
    private static final Logger log = LoggerFactory.getLogger(MxAuthentication.class);

    /** The field to prepend ("" for none) and the octet ranges of the client's content to leave out. */
    record Stamp(String field, List<long[]> drop) {}

    private final InboundAuth config;

    MxAuthentication(InboundAuth config) {
        this.config = config;
    }

    boolean enabled() {
        return config.enabled();
    }

    Stamp stamp(MessageSource clientContent, String sessionId) throws IOException {
        MessageHeader header;
        List<DkimResult> results = List.of();
        try (InputStream in = clientContent.open()) {
            if (config.dkim().isPresent()) {
                DkimVerifier.Verification v;
                try {
                    v = config.dkim().get().verify(in);
                    results = v.results();
                    header = v.header();
                } catch (RuntimeException e) {
                    log.error("session {}: DKIM verification failed unexpectedly", sessionId, e);
                    results = List.of(new DkimResult(DkimResult.Result.TEMPERROR, "", "", "", "", "internal error"));
                    try (InputStream again = clientContent.open()) {
                        header = MessageHeader.read(new java.io.BufferedInputStream(again), DkimVerifier.MAX_HEADER_BYTES);
                    }
                }
            } else {
                header = MessageHeader.read(new java.io.BufferedInputStream(in), DkimVerifier.MAX_HEADER_BYTES);
            }
        }
        List<long[]> drop = new ArrayList<>();
        for (HeaderField f : header.fields()) {
            if (AuthenticationResults.claims(f, config.authservId())) {
                drop.add(new long[] {f.offset(), f.offset() + f.length()});
            }
        }
        if (!drop.isEmpty()) {
            log.info("session {}: removed {} Authentication-Results field(s) claiming to be from {}", sessionId,
                    drop.size(), config.authservId());
        }
        String field = config.dkim().isPresent() ? AuthenticationResults.field(config.authservId(), results) : "";
        return new Stamp(field, drop);
    }
}
