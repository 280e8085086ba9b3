package jotmai.message;

import java.util.List;

/**
 * The header of a message or MIME part as read by the parser: its fields in order and where its body
 * starts. {@code lineFeedsBeforeBody} lets the parser count body lines without buffering the body.
 */
record HeaderBlock(List<HeaderField> fields, long bodyOffset, long lineFeedsBeforeBody) {

    /** The raw value of the first field with this name (case-insensitive), or null. */
    String first(String name) {
        for (HeaderField field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }
}
