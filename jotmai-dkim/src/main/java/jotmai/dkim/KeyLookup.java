package jotmai.dkim;

import java.util.List;

/** The one DNS question verification asks: the TXT records at {@code selector._domainkey.domain}. */
public interface KeyLookup {

    sealed interface Answer {
        /** One string per TXT record, its character-strings concatenated (RFC 6376 §3.6.2.2). */
        record Found(List<String> records) implements Answer {}
        /** NXDOMAIN or no TXT records. */
        record NotFound() implements Answer {}
        /** Timeout or SERVFAIL: try again later. */
        record TempFail(String reason) implements Answer {}
    }

    Answer txt(String name);
}
