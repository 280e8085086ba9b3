package jotmai.smtp;

/**
 * One SMTP reply, thrown wherever a command cannot go on and caught once by the session, which writes
 * it. {@code enhanced} is the RFC 3463 status code ("5.1.1"), empty where RFC 2034 §4 forbids one
 * (greeting, EHLO). {@code closeAfter} ends the connection after writing (421 replies).
 */
final class SmtpReply extends RuntimeException {
    private final int code;
    private final String enhanced;
    private final String text;
    private final boolean closeAfter;

    SmtpReply(int code, String enhanced, String text) {
        this(code, enhanced, text, false);
    }

    SmtpReply(int code, String enhanced, String text, boolean closeAfter) {
        super(code + " " + enhanced + " " + text, null, false, false);
        this.code = code;
        this.enhanced = enhanced;
        this.text = text;
        this.closeAfter = closeAfter;
    }

    int code() {
        return code;
    }

    String enhanced() {
        return enhanced;
    }

    String text() {
        return text;
    }

    boolean closeAfter() {
        return closeAfter;
    }

    // The replies used in more than one place, named by what they mean.

    static SmtpReply syntax(String text) {
        return new SmtpReply(501, "5.5.2", text);
    }

    static SmtpReply badSequence(String text) {
        return new SmtpReply(503, "5.5.1", text);
    }

    static SmtpReply badParameter(String text) {
        return new SmtpReply(555, "5.5.4", text);
    }

    static SmtpReply temporaryFailure() {
        return new SmtpReply(451, "4.3.0", "Temporary failure, please try again later");
    }
}
