-- SEARCH text index (RFC 9051 §6.4.4 BODY/TEXT/header keys): per blob, its decoded, case-folded header
-- lines and text parts (jotmai.store.support.SearchableText), so copies share one row. Co-located with
-- blobs (distributed by blob id). Queried with LIKE '%needle%', which pg_trgm's GIN indexes answer
-- exactly (the index gives candidates, PostgreSQL rechecks the LIKE). Messages without a row (stored
-- before this migration, or with too much text) are reported unverified and scanned by the IMAP layer.
CREATE TABLE message_texts (
    blob_id text PRIMARY KEY,
    headers text NOT NULL,
    body    text NOT NULL
);

-- pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it. When it cannot be
-- created (not installed, no privilege), the table stays unindexed: LIKE then reads message_texts
-- sequentially, still far less than the messages themselves; an administrator can later run
-- CREATE EXTENSION pg_trgm and create the two indexes below by hand.
DO $$
DECLARE
    ext_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm not available (%); SEARCH text lookups run without a trigram index', SQLERRM;
    END;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NOT NULL THEN
        EXECUTE format('CREATE INDEX message_texts_body ON message_texts USING gin (body %I.gin_trgm_ops)', ext_schema);
        EXECUTE format('CREATE INDEX message_texts_headers ON message_texts USING gin (headers %I.gin_trgm_ops)', ext_schema);
    END IF;
END $$;
