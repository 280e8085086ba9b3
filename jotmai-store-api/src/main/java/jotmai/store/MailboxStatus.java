package jotmai.store;

/**
 * Counters of one mailbox, as STATUS (RFC 9051 §6.3.11) and POP3 STAT need them.
 *
 * @param messages number of messages
 * @param unseen   messages without \Seen
 * @param deleted  messages with \Deleted
 * @param size     sum of message sizes in octets (RFC 8438 STATUS=SIZE)
 */
public record MailboxStatus(
        long messages, long unseen, long deleted, long size, long uidNext, long uidValidity, long highestModSeq) {}
