-- stagDB catalog: databases, snapshots (lineage through databases.origin), and the event outbox.
CREATE TABLE databases (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  engine        TEXT NOT NULL,
  version       TEXT NOT NULL,
  status        TEXT NOT NULL,
  memory_bytes  INTEGER NOT NULL,
  milli_cpus    INTEGER NOT NULL,
  storage_bytes INTEGER NOT NULL,
  port          INTEGER NOT NULL UNIQUE,
  username      TEXT NOT NULL,
  password      TEXT NOT NULL,
  database_name TEXT NOT NULL,
  env           TEXT NOT NULL,
  init_scripts  TEXT NOT NULL,
  volume        TEXT NOT NULL,
  origin        TEXT,
  expires_at    TEXT,
  labels        TEXT NOT NULL,
  status_detail TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX databases_origin ON databases (origin);
CREATE INDEX databases_expires_at ON databases (expires_at);

CREATE TABLE snapshots (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  database_id   TEXT NOT NULL,
  database_name TEXT NOT NULL,
  volume        TEXT NOT NULL,
  automatic     INTEGER NOT NULL,
  created_at    TEXT NOT NULL
);
CREATE INDEX snapshots_database ON snapshots (database_id);

CREATE TABLE events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  data        TEXT NOT NULL,
  dispatched  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_pending ON events (dispatched, seq);
