package jotmai.store;

import java.util.List;

/**
 * Result of {@link MailStore#setSeen}.
 *
 * @param updated  the marks that changed, with their new MODSEQ (messages whose state was already the
 *                 requested one are not listed)
 * @param modified UIDs skipped because their MODSEQ as the reader sees it was above UNCHANGEDSINCE
 *                 (RFC 7162 §3.1.3)
 */
public record SeenUpdate(List<SeenMark> updated, UidSet modified) {}
