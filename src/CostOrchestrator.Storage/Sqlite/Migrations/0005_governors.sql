-- Schema version 5: each scope's budget governor decides in memory and is fenced by an epoch.
-- An activation claims the next epoch when it starts; a reservation is written only while the epochs of the
-- governors that approved it are still current. Limits are no longer checked in SQL: the governor decides.

CREATE TABLE budget_governors (
  scope TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL
);

-- The silo whose coordinator wrote a reservation: when membership declares that silo dead, a survivor settles
-- its pending reservations at once instead of waiting for their TTL.
ALTER TABLE reservations ADD COLUMN silo TEXT;
CREATE INDEX reservations_pending_silo ON reservations (silo) WHERE state = 'pending';
