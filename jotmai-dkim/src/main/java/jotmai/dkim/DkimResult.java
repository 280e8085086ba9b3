package jotmai.dkim;

import java.util.Locale;

/**
 * The outcome of checking one DKIM signature, as RFC 8601 §2.7.1 names the results.
 *
 * @param domain    d= ("" when the signature could not be parsed that far)
 * @param selector  s=
 * @param algorithm a=
 * @param headerB   the first 8 characters of b= (RFC 6008 header.b, to tell signatures apart)
 * @param reason    why it did not pass; "" for pass
 */
public record DkimResult(Result result, String domain, String selector, String algorithm, String headerB,
                         String reason) {

    public enum Result {
        PASS, FAIL, NEUTRAL, TEMPERROR, PERMERROR, NONE;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static DkimResult none() {
        return new DkimResult(Result.NONE, "", "", "", "", "");
    }
}
