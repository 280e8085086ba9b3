package jotmai.store;

import java.util.List;

/**
 * Result of a flag update.
 *
 * @param updated  the messages whose flags changed, with their new flags and MODSEQ (unchanged
 *                 messages are not listed and keep their MODSEQ)
 * @param modified UIDs skipped because their MODSEQ was above UNCHANGEDSINCE (RFC 7162 §3.1.3)
 */
public record FlagResult(List<MessageMeta> updated, UidSet modified) {}
