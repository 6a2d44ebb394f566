-- Schema version 2: cluster membership and run leases (the embedded node uses them too: one member,
-- and its own runs' leases, so a restarted node resumes what it was running).

ALTER TABLE runs ADD COLUMN lease_owner TEXT;
ALTER TABLE runs ADD COLUMN lease_until INTEGER;
CREATE INDEX runs_orphans ON runs (status, lease_until);

CREATE TABLE nodes (
  node_id        TEXT PRIMARY KEY,
  address        TEXT,
  started_at     INTEGER NOT NULL,
  last_heartbeat INTEGER NOT NULL,
  status         TEXT NOT NULL
);
