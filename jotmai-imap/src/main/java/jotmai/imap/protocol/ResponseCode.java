package jotmai.imap.protocol;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A response code in brackets (RFC 9051 §7.1). The arguments are produced by the server (numbers,
 * atoms, flag names, sets) and never carry client-controlled text, so they are written as they are.
 */
public record ResponseCode(String name, String arguments) {

    public static final ResponseCode PARSE = of("PARSE");
    public static final ResponseCode TOOBIG = of("TOOBIG");
    public static final ResponseCode NONEXISTENT = of("NONEXISTENT");
    public static final ResponseCode ALREADYEXISTS = of("ALREADYEXISTS");
    public static final ResponseCode TRYCREATE = of("TRYCREATE");
    public static final ResponseCode CANNOT = of("CANNOT");
    public static final ResponseCode LIMIT = of("LIMIT");
    public static final ResponseCode UNAVAILABLE = of("UNAVAILABLE");
    public static final ResponseCode SERVERBUG = of("SERVERBUG");
    public static final ResponseCode OVERQUOTA = of("OVERQUOTA");
    public static final ResponseCode AUTHENTICATIONFAILED = of("AUTHENTICATIONFAILED");
    public static final ResponseCode PRIVACYREQUIRED = of("PRIVACYREQUIRED");
    public static final ResponseCode READ_ONLY = of("READ-ONLY");
    public static final ResponseCode READ_WRITE = of("READ-WRITE");
    public static final ResponseCode CLOSED = of("CLOSED");
    public static final ResponseCode EXPUNGEISSUED = of("EXPUNGEISSUED");
    public static final ResponseCode BADCHARSET = new ResponseCode("BADCHARSET", "(US-ASCII UTF-8)");
    public static final ResponseCode UNKNOWN_CTE = of("UNKNOWN-CTE");
    public static final ResponseCode NOPERM = of("NOPERM");
    public static final ResponseCode INUSE = of("INUSE");
    public static final ResponseCode CLIENTBUG = of("CLIENTBUG");

    public static ResponseCode of(String name) {
        return new ResponseCode(name, null);
    }

    public static ResponseCode capability(List<String> capabilities) {
        return new ResponseCode("CAPABILITY", String.join(" ", capabilities));
    }

    public static ResponseCode permanentFlags(List<String> flags) {
        return new ResponseCode("PERMANENTFLAGS", "(" + String.join(" ", flags) + ")");
    }

    public static ResponseCode uidNext(long uidNext) {
        return new ResponseCode("UIDNEXT", Long.toString(uidNext));
    }

    public static ResponseCode uidValidity(long uidValidity) {
        return new ResponseCode("UIDVALIDITY", Long.toString(uidValidity));
    }

    public static ResponseCode unseen(long seq) {
        return new ResponseCode("UNSEEN", Long.toString(seq));
    }

    /** RFC 4315 §3 APPENDUID. */
    public static ResponseCode appendUid(long uidValidity, String uids) {
        return new ResponseCode("APPENDUID", uidValidity + " " + uids);
    }

    /** RFC 4315 §3 COPYUID. */
    public static ResponseCode copyUid(long uidValidity, String sourceUids, String destinationUids) {
        return new ResponseCode("COPYUID", uidValidity + " " + sourceUids + " " + destinationUids);
    }

    static String join(List<String> atoms) {
        return atoms.stream().collect(Collectors.joining(" "));
    }

    @Override
    public String toString() {
        return arguments == null ? name : name + " " + arguments;
    }
}
