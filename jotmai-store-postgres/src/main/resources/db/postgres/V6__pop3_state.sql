-- POP3 state that must hold across restarts and nodes (issue 5):
-- the last login per account and protocol (RFC 2449 §6.5 LOGIN-DELAY), distributed by account_id;
CREATE TABLE login_records (
    account_id bigint      NOT NULL,
    protocol   text        NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (account_id, protocol)
);
-- the first retrieval time of a message (§6.7 EXPIRE); a column, not a flag, so IMAP never sees it;
ALTER TABLE messages ADD COLUMN first_retrieved timestamptz;
-- the optional APOP secret (RFC 1939 §7), recoverable by necessity, separate from the password hash.
ALTER TABLE accounts ADD COLUMN apop_secret text;
