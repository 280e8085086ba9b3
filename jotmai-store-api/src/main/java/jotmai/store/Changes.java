package jotmai.store;

import java.util.List;

/**
 * Changes of one mailbox after a MODSEQ, in MODSEQ order, and the mailbox's highest MODSEQ at the time
 * of reading. A message added and then changed appears once, as Added with its current state; a
 * message added and expunged within the window appears only as Expunged.
 */
public record Changes(long highestModSeq, List<StoreChange> changes) {}
