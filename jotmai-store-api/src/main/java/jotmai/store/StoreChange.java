package jotmai.store;

/**
 * One change in a mailbox since some MODSEQ, as sessions pull them with
 * {@link MailStore#changesSince}. Events speak UIDs, never sequence numbers: each session maps UIDs to
 * its own sequence numbers.
 */
public sealed interface StoreChange {

    long uid();

    long modSeq();

    /** A message appeared (append, copy, move, delivery). */
    record Added(MessageMeta meta) implements StoreChange {
        public long uid() {
            return meta.uid();
        }

        public long modSeq() {
            return meta.modSeq();
        }
    }

    /** A message's flags changed; {@code meta} holds the new flags. */
    record FlagsChanged(MessageMeta meta) implements StoreChange {
        public long uid() {
            return meta.uid();
        }

        public long modSeq() {
            return meta.modSeq();
        }
    }

    /** A message was expunged (or moved away). */
    record Expunged(long uid, long modSeq) implements StoreChange {}
}
