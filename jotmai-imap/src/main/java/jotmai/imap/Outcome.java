package jotmai.imap;

import jotmai.imap.protocol.ResponseCode;

/** What a handler returns: the next state and the response code of the tagged OK (may be null). */
record Outcome(SessionState state, ResponseCode code, String text) {

    static Outcome of(SessionState state) {
        return new Outcome(state, null, null);
    }

    static Outcome of(SessionState state, ResponseCode code) {
        return new Outcome(state, code, null);
    }
}
