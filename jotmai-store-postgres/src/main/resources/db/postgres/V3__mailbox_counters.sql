-- Per-mailbox counters, kept in the same row update that allocates UIDs and MODSEQs (the row is
-- locked by every message-changing transaction anyway), so STATUS and SELECT need no scan of a
-- mailbox's messages.
ALTER TABLE mailboxes
    ADD COLUMN message_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN unseen_count  bigint NOT NULL DEFAULT 0,
    ADD COLUMN deleted_count bigint NOT NULL DEFAULT 0,
    ADD COLUMN total_size    bigint NOT NULL DEFAULT 0;

UPDATE mailboxes m SET message_count = c.n, unseen_count = c.unseen, deleted_count = c.deleted, total_size = c.size
FROM (SELECT account_id, mailbox_id, count(*) AS n, count(*) FILTER (WHERE NOT seen) AS unseen,
             count(*) FILTER (WHERE deleted) AS deleted, sum(size) AS size
      FROM messages GROUP BY account_id, mailbox_id) c
WHERE m.account_id = c.account_id AND m.id = c.mailbox_id;
