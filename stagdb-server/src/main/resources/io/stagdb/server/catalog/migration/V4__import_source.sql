-- The live database a database was imported from (POST /v1/databases with a source), as its full
-- connection URL, password included: kept only here, in the catalog file (mode 0600); the API shows it
-- masked. NULL for every other database.
ALTER TABLE databases ADD COLUMN source_url TEXT;
-- Its refresh: a cron expression (NULL: on request only) and how many import snapshots are kept.
ALTER TABLE databases ADD COLUMN source_refresh TEXT;
ALTER TABLE databases ADD COLUMN source_keep INTEGER NOT NULL DEFAULT 3;
