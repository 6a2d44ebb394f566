-- Schema version 6: Orleans grain state of the embedded silo (SqliteGrainStorage), the same contract as Orleans'
-- ADO.NET grain storage on PostgreSQL (OrleansStorage): one row per grain and state name, a version that is the
-- state's ETag and changes on every write or clear, and a cleared state kept as a row without a payload.

CREATE TABLE orleans_grain_state (
  service_id  TEXT NOT NULL,
  grain_id    TEXT NOT NULL,
  state_name  TEXT NOT NULL,
  payload     BLOB,
  version     INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  PRIMARY KEY (service_id, grain_id, state_name)
);
