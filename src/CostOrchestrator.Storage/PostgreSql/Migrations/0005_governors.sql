-- Schema version 5: each scope's budget governor decides in memory and is fenced by an epoch.
-- An activation claims the next epoch when it starts; a reservation is written only while the epochs of the
-- governors that approved it are still current (the write takes FOR SHARE on their rows, the claim takes the
-- row exclusively, so a claim waits for in-flight writes and every later write of an older epoch is refused).
-- Limits are no longer checked in SQL: the governor's arithmetic decides, the store records.

CREATE TABLE budget_governors (
  scope text COLLATE "C" PRIMARY KEY,
  epoch bigint NOT NULL
);

-- The silo whose coordinator wrote a reservation: when membership declares that silo dead, a survivor settles
-- its pending reservations at once instead of waiting for their TTL.
ALTER TABLE reservations ADD COLUMN silo text;
CREATE INDEX reservations_pending_silo ON reservations (silo) WHERE state = 'pending';
