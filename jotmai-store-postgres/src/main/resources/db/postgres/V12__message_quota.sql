-- RFC 9208 §5.2 MESSAGE: the most messages an account may hold over all its mailboxes, next to
-- quota_bytes; 0 = unlimited. Checked against account_state.message_count by AccountRows.charge.
ALTER TABLE accounts ADD COLUMN quota_messages bigint NOT NULL DEFAULT 0;
