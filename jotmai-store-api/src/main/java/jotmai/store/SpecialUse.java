package jotmai.store;

import java.util.Optional;

/** Mailbox roles of RFC 6154 §2. */
public enum SpecialUse {
    ALL("\\All"), ARCHIVE("\\Archive"), DRAFTS("\\Drafts"), FLAGGED("\\Flagged"), JUNK("\\Junk"),
    SENT("\\Sent"), TRASH("\\Trash");

    private final String attribute;

    SpecialUse(String attribute) {
        this.attribute = attribute;
    }

    /** The LIST attribute, e.g. "\Sent". */
    public String attribute() {
        return attribute;
    }

    public static Optional<SpecialUse> fromAttribute(String attribute) {
        for (SpecialUse use : values()) {
            if (use.attribute.equalsIgnoreCase(attribute)) {
                return Optional.of(use);
            }
        }
        return Optional.empty();
    }
}
