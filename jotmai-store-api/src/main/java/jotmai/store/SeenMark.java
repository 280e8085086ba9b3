package jotmai.store;

/**
 * One reader's \Seen state of one message in a mailbox the reader does not own (issue 7: \Seen is
 * per user on shared mailboxes, the other flags are shared). A message without a mark is unseen for
 * that reader; a mark with {@code seen == false} remembers when the reader cleared \Seen, so that the
 * reader's CONDSTORE/QRESYNC sees the change (RFC 7162 §3.1).
 *
 * @param modSeq the mailbox MODSEQ allocated for the reader's last change of this mark; the message's
 *               MODSEQ as the reader sees it is the larger of this and the message's own
 */
public record SeenMark(long uid, boolean seen, long modSeq) {}
