-- Schema version 4: the embedded node is an Orleans silo (localhost clustering, one member).
-- Its reminders live here through SqliteReminderTable (Orleans' IReminderTable); our own membership table,
-- reminder poller table and run leases go. A run's record is fenced by the activation that claimed it.

DROP TABLE nodes;
DROP TABLE reminders;
DROP INDEX runs_orphans;
ALTER TABLE runs DROP COLUMN lease_until;
ALTER TABLE runs RENAME COLUMN lease_owner TO owner_activation;

CREATE TABLE orleans_reminders (
  service_id    TEXT NOT NULL,
  grain_id      TEXT NOT NULL,
  reminder_name TEXT NOT NULL,
  start_at      INTEGER NOT NULL,   -- UTC ticks
  period_ticks  INTEGER NOT NULL,
  grain_hash    INTEGER NOT NULL,   -- uint ring position
  version       INTEGER NOT NULL,   -- the ETag
  PRIMARY KEY (service_id, grain_id, reminder_name)
);
CREATE INDEX orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);
