-- Jotmai PostgreSQL schema, version 1. Applied by Flyway at PostgresStore.open into the configured
-- schema (search_path), so no statement here names a schema.
--
-- Citus layout (see package-info.java of jotmai.store.postgres):
--   reference tables (small, rarely written, replicated): domains, aliases, accounts
--   distributed by account_id, co-located:              account_state, mailboxes, subscriptions,
--                                                        messages, tombstones
--   distributed by blob id, co-located:                  blobs, blob_chunks
--   distributed by queue id, co-located:                 queue_messages, queue_recipients
-- Every per-account table has account_id as the leading primary-key column, and mailbox ids carry
-- their account id in the high bits (MailboxIds), so every query a session issues filters on it.

CREATE TABLE domains (
    name text PRIMARY KEY
);

CREATE TABLE aliases (
    source text NOT NULL,            -- "x@dom" or "@dom" (catch-all), lower case
    target text NOT NULL,
    domain text NOT NULL,            -- domain of source, for removeDomain
    PRIMARY KEY (source, target)
);
CREATE INDEX aliases_domain ON aliases (domain);

CREATE SEQUENCE account_ids;

-- The account directory: login, password hash, quota limit. Written only by administration.
CREATE TABLE accounts (
    id            bigint PRIMARY KEY,
    address       text NOT NULL UNIQUE,
    domain        text NOT NULL,
    password_hash text NOT NULL,
    quota_bytes   bigint NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX accounts_domain ON accounts (domain);

-- The hot per-account row: usage counters (quota checks need no scan), the mailbox id counter and
-- the last UIDVALIDITY handed out. Its row lock also serialises an account's namespace changes.
CREATE TABLE account_state (
    account_id        bigint PRIMARY KEY,
    used_bytes        bigint NOT NULL DEFAULT 0,
    message_count     bigint NOT NULL DEFAULT 0,
    mailbox_seq       bigint NOT NULL DEFAULT 0,
    last_uid_validity bigint NOT NULL DEFAULT 0
);

CREATE TABLE mailboxes (
    account_id     bigint NOT NULL,
    id             bigint NOT NULL,   -- account_id << 24 | per-account ordinal
    name           text NOT NULL,
    special_use    text,
    uid_validity   bigint NOT NULL,
    uid_next       bigint NOT NULL,
    highest_modseq bigint NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE (account_id, name)
);

CREATE TABLE subscriptions (
    account_id bigint NOT NULL,
    name       text NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE messages (
    account_id    bigint NOT NULL,
    mailbox_id    bigint NOT NULL,
    uid           bigint NOT NULL,
    modseq        bigint NOT NULL,
    added_modseq  bigint NOT NULL,    -- tells changesSince Added from FlagsChanged
    flags         text[] NOT NULL,
    seen          boolean NOT NULL,
    deleted       boolean NOT NULL,
    recent        boolean NOT NULL,
    internal_date timestamptz NOT NULL,
    save_date     timestamptz NOT NULL,
    size          bigint NOT NULL,
    blob_id       text NOT NULL,
    PRIMARY KEY (account_id, mailbox_id, uid)
);
CREATE INDEX messages_modseq ON messages (account_id, mailbox_id, modseq);
CREATE INDEX messages_recent ON messages (account_id, mailbox_id) WHERE recent;

-- Expunged UIDs with their MODSEQ for the life of the mailbox (RFC 7162 §3.2.5 VANISHED (EARLIER)).
CREATE TABLE tombstones (
    account_id bigint NOT NULL,
    mailbox_id bigint NOT NULL,
    uid        bigint NOT NULL,
    modseq     bigint NOT NULL,
    PRIMARY KEY (account_id, mailbox_id, uid)
);
CREATE INDEX tombstones_modseq ON tombstones (account_id, mailbox_id, modseq);

-- Message bytes, deduplicated by content: id is the hex SHA-256 of the bytes. refs counts messages and
-- queue entries using it; at zero unreferenced_at starts the grace period before purging.
CREATE TABLE blobs (
    id              text PRIMARY KEY,
    size            bigint NOT NULL,
    refs            bigint NOT NULL,
    structure       bytea,            -- jotmai.message.StructureCodec; NULL for queue-only blobs
    created_at      timestamptz NOT NULL,
    unreferenced_at timestamptz
);
CREATE INDEX blobs_unreferenced ON blobs (unreferenced_at) WHERE unreferenced_at IS NOT NULL;

CREATE TABLE blob_chunks (
    blob_id text NOT NULL,
    seq     integer NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
-- EXTERNAL = out of line, uncompressed: substring() then reads only the TOAST slices it needs, so a
-- byte range of a chunk costs its own size, not the chunk's.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE queue_messages (
    id              text PRIMARY KEY,
    envelope_from   text NOT NULL,
    blob_id         text NOT NULL,
    ret             text NOT NULL,
    envid           text NOT NULL,
    smtputf8        boolean NOT NULL,
    eight_bit       boolean NOT NULL,
    created_at      timestamptz NOT NULL,
    -- for the delivery module: claimed with FOR UPDATE SKIP LOCKED, released after a lease
    next_attempt_at timestamptz NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    lease_owner     text,
    lease_until     timestamptz
);
CREATE INDEX queue_messages_due ON queue_messages (next_attempt_at);

CREATE TABLE queue_recipients (
    queue_id  text NOT NULL,
    position  integer NOT NULL,
    address   text NOT NULL,
    notify_on text NOT NULL,
    orcpt     text NOT NULL,
    PRIMARY KEY (queue_id, position)
);
