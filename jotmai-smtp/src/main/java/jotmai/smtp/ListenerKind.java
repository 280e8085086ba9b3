package jotmai.smtp;

/** What a listener is for; decides AUTH, relay and greeting rules. */
enum ListenerKind {
    /** Port 25: mail from the world for hosted domains. */
    MX,
    /** Port 587 (RFC 6409): hosted users submit, STARTTLS then AUTH. */
    SUBMISSION,
    /** Port 465 (RFC 8314): as submission, TLS from the first byte. */
    SUBMISSIONS,
    /** RFC 2033, for an MTA in front; local recipients only, one reply per recipient. */
    LMTP;

    boolean isSubmission() {
        return this == SUBMISSION || this == SUBMISSIONS;
    }
}
