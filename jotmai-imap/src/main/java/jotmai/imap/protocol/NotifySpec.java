package jotmai.imap.protocol;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parts of an RFC 5465 NOTIFY SET command (§3.1, grammar §8): event groups, each a mailbox filter
 * with the events wanted for the mailboxes it names.
 */
public final class NotifySpec {
    private NotifySpec() {}

    /** RFC 5465 §6 mailbox specifiers. Names are as the client sent them (modified UTF-7 or UTF-8). */
    public sealed interface Filter {
        /** §6.1: the selected mailbox; delayed = SELECTED-DELAYED (expunges wait for a command, §6.1.2). */
        record Selected(boolean delayed) implements Filter {}

        /** §6.3 */
        record Inboxes() implements Filter {}

        /** §6.2 */
        record Personal() implements Filter {}

        /** §6.4 */
        record Subscribed() implements Filter {}

        /** §6.5: the named mailboxes and everything below them. */
        record Subtree(List<String> mailboxes) implements Filter {}

        /** §6.6: exactly the named mailboxes (no wildcard expansion). */
        record Mailboxes(List<String> mailboxes) implements Filter {}
    }

    /** RFC 5465 §5 event names (RFC 5423), spelled as the RFC does. */
    public enum Event {
        MESSAGE_NEW("MessageNew"), MESSAGE_EXPUNGE("MessageExpunge"), FLAG_CHANGE("FlagChange"),
        ANNOTATION_CHANGE("AnnotationChange"), MAILBOX_NAME("MailboxName"),
        SUBSCRIPTION_CHANGE("SubscriptionChange"), MAILBOX_METADATA_CHANGE("MailboxMetadataChange"),
        SERVER_METADATA_CHANGE("ServerMetadataChange");

        private final String wireName;

        Event(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** §5 message events: the only ones allowed with SELECTED/SELECTED-DELAYED (§6.1). */
        public boolean isMessageEvent() {
            return this == MESSAGE_NEW || this == MESSAGE_EXPUNGE || this == FLAG_CHANGE || this == ANNOTATION_CHANGE;
        }

        /** Case-insensitive (RFC 5465 §8). */
        public static Optional<Event> of(String name) {
            for (Event e : values()) {
                if (e.wireName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One event group. Events the server does not know are kept by name in {@code unknownEvents}: they
     * are refused with NO [BADEVENT] (§3.1), not BAD.
     *
     * @param messageNewItems the FETCH attributes after MessageNew (§5.2), empty when none
     */
    public record Group(Filter filter, List<Event> events, List<String> unknownEvents, List<FetchItem> messageNewItems) {
        public boolean has(Event e) {
            return events.contains(e);
        }
    }
}
