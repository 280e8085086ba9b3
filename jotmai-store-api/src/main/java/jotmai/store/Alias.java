package jotmai.store;

/**
 * One alias mapping. {@code source} is a full address ("info@example.com") or, for a domain's
 * catch-all, "@example.com". {@code target} is a local or external address.
 */
public record Alias(String source, String target) {

    public boolean isCatchAll() {
        return source.startsWith("@");
    }
}
