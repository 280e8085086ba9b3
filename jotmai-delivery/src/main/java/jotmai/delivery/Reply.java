package jotmai.delivery;

import java.util.List;

/** One SMTP reply, possibly multi-line (RFC 5321 §4.2.1): code and the text of every line. */
record Reply(int code, List<String> lines) {

    boolean positive() {
        return code >= 200 && code < 400;
    }

    boolean transientFailure() {
        return code >= 400 && code < 500;
    }

    boolean permanentFailure() {
        return code >= 500;
    }

    /** The reply as one line for logs, the queue's last-reply column and DSNs. */
    String oneLine() {
        return code + " " + String.join(" / ", lines);
    }

    static Reply local(int code, String text) {
        return new Reply(code, List.of(text));
    }
}
