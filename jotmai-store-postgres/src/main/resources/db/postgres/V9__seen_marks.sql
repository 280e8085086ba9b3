-- Per-user \Seen on other accounts' mailboxes (issue 7): one row per message a reader (an account
-- that does not own the mailbox) marked seen or cleared again; the owner's \Seen stays in
-- messages.flags. account_id is the mailbox owner, leading the key like every per-account table, so
-- the marks live with the mailbox's messages. modseq is a MODSEQ of the mailbox allocated for the
-- reader's change (RFC 7162 §3.1); the message's own modseq is not touched by it.
CREATE TABLE seen_marks (
    account_id bigint  NOT NULL,       -- the mailbox owner
    mailbox_id bigint  NOT NULL,
    reader_id  bigint  NOT NULL,       -- the account whose \Seen this is
    uid        bigint  NOT NULL,
    seen       boolean NOT NULL,
    modseq     bigint  NOT NULL,
    PRIMARY KEY (account_id, mailbox_id, reader_id, uid)
);
CREATE INDEX seen_marks_modseq ON seen_marks (account_id, mailbox_id, reader_id, modseq);
CREATE INDEX seen_marks_uid ON seen_marks (account_id, mailbox_id, uid);
CREATE INDEX seen_marks_reader ON seen_marks (reader_id);
