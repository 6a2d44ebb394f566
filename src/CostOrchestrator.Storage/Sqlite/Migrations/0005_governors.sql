-- Schema version 5: each scope's budget governor decides in memory and is fenced by an epoch.
-- An activation claims the next epoch when it starts; a reservation is written only while the epochs of the
-- governors that approved it are still current. Limits are no longer checked in SQL: the governor decides.

CREATE TABLE budget_governors (
  scope TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL
);
