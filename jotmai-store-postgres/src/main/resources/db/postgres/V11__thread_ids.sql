-- RFC 8474 §5.2 THREADID (jotmai.store.postgres.Threads). Every message row carries the id of its
-- thread (COPY and MOVE keep it); thread_refs maps the Message-IDs an account has seen (own ids,
-- parents, thread roots) to their thread, so that delivery places a reply with one indexed read.
-- Existing messages get one new thread per distinct blob (copies of a message share it); their
-- Message-IDs are not in thread_refs, so replies to mail stored before this migration start new threads.
-- thread_refs is per account (distributed by account_id like messages).
ALTER TABLE messages ADD COLUMN thread_id bigint;
CREATE SEQUENCE thread_ids;
WITH t AS (SELECT d.blob_id, nextval('thread_ids') AS id FROM (SELECT DISTINCT blob_id FROM messages) d)
UPDATE messages m SET thread_id = t.id FROM t WHERE m.blob_id = t.blob_id;
ALTER TABLE messages ALTER COLUMN thread_id SET NOT NULL;
CREATE INDEX messages_thread ON messages (account_id, mailbox_id, thread_id);

CREATE TABLE thread_refs (
    account_id bigint NOT NULL,
    message_id text NOT NULL,
    thread_id  bigint NOT NULL,
    PRIMARY KEY (account_id, message_id)
);
