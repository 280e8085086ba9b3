package jotmai.message;

/**
 * One header field of a message or part: the name as written and the raw, unfolded-as-stored value
 * (everything after the colon, with folding CRLFs kept, without the final CRLF).
 */
public record HeaderField(String name, String value) {}
