package jotmai.imap.protocol;

import java.util.List;

/**
 * One command as read from the wire, before parsing: the text pieces between literals and the
 * literals themselves, in order. The first text piece starts with the tag.
 */
public record RawCommand(String tag, List<Part> parts) implements AutoCloseable {

    public sealed interface Part {
        record Text(String text) implements Part {}

        record Lit(Literal literal) implements Part {}
    }

    public RawCommand {
        parts = List.copyOf(parts);
    }

    /** Deletes spooled literals the command did not hand over. */
    @Override
    public void close() {
        for (Part p : parts) {
            if (p instanceof Part.Lit l) {
                l.literal().close();
            }
        }
    }
}
