-- RFC 5464 METADATA (issue 7). account_id is the owner: the user for /private entries, the mailbox
-- owner for /shared ones, 0 for server /shared entries; it leads the key like every per-account table.
-- The mailbox index serves DELETE of a mailbox (every user's entries on it go with it).
CREATE TABLE metadata (
    account_id bigint NOT NULL,
    mailbox_id bigint NOT NULL,       -- 0: server entries
    name       text   NOT NULL,       -- lower-case, '/private/...' or '/shared/...'
    value      bytea  NOT NULL,
    PRIMARY KEY (account_id, mailbox_id, name)
);
CREATE INDEX metadata_mailbox ON metadata (mailbox_id);
