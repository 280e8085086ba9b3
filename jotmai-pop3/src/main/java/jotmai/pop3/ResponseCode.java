package jotmai.pop3;

/** Extended response codes (RFC 2449 §8, RFC 3206), written in brackets after "-ERR". */
enum ResponseCode {
    /** RFC 2449 §8.1.2: the maildrop is locked by another session. */
    IN_USE("IN-USE"),
    /** RFC 2449 §8.1.1: the user logged in too recently. */
    LOGIN_DELAY("LOGIN-DELAY"),
    /** RFC 3206 §4: a temporary system problem. */
    SYS_TEMP("SYS/TEMP"),
    /** RFC 3206 §4: a permanent system problem. */
    SYS_PERM("SYS/PERM"),
    /** RFC 3206 §5: the failure is about the credentials (or their throttling). */
    AUTH("AUTH");

    private final String wire;

    ResponseCode(String wire) {
        this.wire = wire;
    }

    String wire() {
        return wire;
    }
}
