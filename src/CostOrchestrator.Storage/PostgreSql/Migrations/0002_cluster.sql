-- Schema version 2: cluster membership and run leases.
-- A running pipeline is owned by the node holding its lease; another node takes it over once the lease lapses.

ALTER TABLE runs ADD COLUMN lease_owner text COLLATE "C";
ALTER TABLE runs ADD COLUMN lease_until timestamptz;
CREATE INDEX runs_orphans ON runs (status, lease_until);

CREATE TABLE nodes (
  node_id        text COLLATE "C" PRIMARY KEY,
  address        text,
  started_at     timestamptz NOT NULL,
  last_heartbeat timestamptz NOT NULL,
  status         text NOT NULL
);
