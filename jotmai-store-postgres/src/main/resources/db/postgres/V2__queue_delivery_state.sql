-- Delivery state for the outbound queue (issue 6): per-recipient outcome of the last attempt, and the
-- delay-warning flag. Leases use lease_owner/lease_until from V1 (claimed with FOR UPDATE SKIP LOCKED;
-- an expired lease, e.g. of a dead node, makes the message claimable again).
ALTER TABLE queue_messages ADD COLUMN delay_warned boolean NOT NULL DEFAULT false;

ALTER TABLE queue_recipients
    ADD COLUMN status          text NOT NULL DEFAULT 'PENDING',
    ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
    ADD COLUMN last_reply      text NOT NULL DEFAULT '',
    ADD COLUMN last_attempt_at timestamptz;
