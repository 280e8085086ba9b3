package jotmai.store;

/** Where an appended message landed (RFC 4315 APPENDUID needs uidValidity and uid). */
public record AppendResult(long mailboxId, long uidValidity, long uid, long modSeq, MessageMeta meta) {}
