-- Partial indexes for the rare side of the two flags that have their own columns (PgMailStore.flagRows
-- with a flag): "SEARCH UNSEEN" on a big, mostly read mailbox reads only the unread rows, and EXPUNGE
-- finds the \Deleted rows (MessageRows.select with onlyDeleted) without scanning the mailbox. Flag
-- updates already change the indexed modseq column, so these indexes cost no HOT update that was
-- possible before.
CREATE INDEX messages_unseen ON messages (account_id, mailbox_id, uid) WHERE NOT seen;
CREATE INDEX messages_deleted ON messages (account_id, mailbox_id, uid) WHERE deleted;
