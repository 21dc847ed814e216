-- PostgreSQL extensions and engine settings of a database (config.extensions, config.settings), as
-- JSON; a branch copies its origin's.
ALTER TABLE databases ADD COLUMN extensions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE databases ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
