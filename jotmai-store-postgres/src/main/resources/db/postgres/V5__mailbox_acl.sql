-- RFC 4314 access control lists (issue 7): rights of other users on a mailbox. Distributed by the
-- owner's account_id like mailboxes (account_id leads the primary key); the identifier index answers
-- "what is shared with me" for LIST, a query across all shards on Citus (it runs once per LIST).
CREATE TABLE mailbox_acl (
    account_id bigint NOT NULL,       -- the owner
    mailbox_id bigint NOT NULL,
    identifier text   NOT NULL,       -- lower-case address or 'anyone'
    rights     text   NOT NULL,       -- RFC 4314 letters in canonical order
    PRIMARY KEY (account_id, mailbox_id, identifier)
);
CREATE INDEX mailbox_acl_identifier ON mailbox_acl (identifier);
