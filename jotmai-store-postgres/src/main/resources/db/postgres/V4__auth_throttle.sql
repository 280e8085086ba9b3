-- Authentication failure counters and bans shared by every node (issue 8). A small global table
-- (like domains): no account id, keys are "ip:..." or "acct:...". Rows come only from failures,
-- so a success on a clean account costs no write; old rows are purged by the throttle.
CREATE TABLE auth_throttle (
    key          text        PRIMARY KEY,
    failures     integer     NOT NULL,
    last_failure timestamptz NOT NULL,
    banned_until timestamptz,
    bans         integer     NOT NULL DEFAULT 0
);

CREATE INDEX auth_throttle_last_failure ON auth_throttle (last_failure);
