-- Schema version 4: the node is an Orleans silo.
--
-- Membership, reminders and grain state move to Orleans' ADO.NET providers (invariant Npgsql). Those packages
-- ship no PostgreSQL schema, so it lives here: the tables they read and the OrleansQuery rows holding the
-- statements they run, keyed by the names the providers look up and using the parameter and column names they
-- bind. Dates are timestamptz (Npgsql 6+ refuses DateTime round trips through plain timestamp), and the
-- clean-up query of defunct silos is present from the start.
--
-- Our own membership table, reminder poller table and run leases go: Orleans decides where a grain lives, and a
-- run's record is fenced by the activation that claimed it (runs.owner_activation).

DROP TABLE nodes;
DROP TABLE reminders;
DROP INDEX runs_orphans;
ALTER TABLE runs DROP COLUMN lease_until;
ALTER TABLE runs RENAME COLUMN lease_owner TO owner_activation;

CREATE TABLE OrleansQuery (
  QueryKey  varchar(64) NOT NULL PRIMARY KEY,
  QueryText varchar(8000) NOT NULL
);

-- Clustering ------------------------------------------------------------------------------------------------

CREATE TABLE OrleansMembershipVersionTable (
  DeploymentId varchar(150) NOT NULL PRIMARY KEY,
  Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
  Version      integer NOT NULL DEFAULT 0
);

CREATE TABLE OrleansMembershipTable (
  DeploymentId varchar(150) NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
  Address      varchar(45) NOT NULL,
  Port         integer NOT NULL,
  Generation   integer NOT NULL,
  SiloName     varchar(150) NOT NULL,
  HostName     varchar(150) NOT NULL,
  Status       integer NOT NULL,
  ProxyPort    integer NULL,
  SuspectTimes varchar(8000) NULL,
  StartTime    timestamptz(3) NOT NULL,
  IAmAliveTime timestamptz(3) NOT NULL,
  PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Inserting a member and bumping the table version must happen together or not at all: a concurrent change
-- of the version makes the bump miss, and the exception rolls the insert back (the provider reads 0 = retry).
CREATE FUNCTION orleans_insert_membership(
  deployment text, address_arg text, port_arg integer, generation_arg integer, silo_name text, host_name text,
  status_arg integer, proxy_port integer, start_time timestamptz, alive_time timestamptz, expected_version integer)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $$
DECLARE changed integer;
BEGIN
  INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
  VALUES (deployment, address_arg, port_arg, generation_arg, silo_name, host_name, status_arg, proxy_port, start_time, alive_time)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed = 0 THEN RETURN QUERY SELECT 0; RETURN; END IF;
  UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
   WHERE DeploymentId = deployment AND Version = expected_version;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed = 0 THEN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = 'membership version moved'; END IF;
  RETURN QUERY SELECT 1;
EXCEPTION WHEN serialization_failure THEN
  RETURN QUERY SELECT 0;
END $$;

CREATE FUNCTION orleans_update_membership(
  deployment text, address_arg text, port_arg integer, generation_arg integer, status_arg integer,
  suspect_times text, alive_time timestamptz, expected_version integer)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $$
DECLARE changed integer;
BEGIN
  UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
   WHERE DeploymentId = deployment AND Version = expected_version;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed = 0 THEN RETURN QUERY SELECT 0; RETURN; END IF;
  UPDATE OrleansMembershipTable SET Status = status_arg, SuspectTimes = suspect_times, IAmAliveTime = alive_time
   WHERE DeploymentId = deployment AND Address = address_arg AND Port = port_arg AND Generation = generation_arg;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed = 0 THEN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = 'no such member'; END IF;
  RETURN QUERY SELECT 1;
EXCEPTION WHEN serialization_failure THEN
  RETURN QUERY SELECT 0;
END $$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey',
 'WITH inserted AS (INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId) ON CONFLICT DO NOTHING RETURNING 1)
  SELECT count(*)::integer AS row_count FROM inserted'),
('InsertMembershipKey',
 'SELECT row_count FROM orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)'),
('UpdateMembershipKey',
 'SELECT row_count FROM orleans_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version)'),
('UpdateIAmAlivetimeKey',
 'UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
   WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation'),
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
   WHERE v.DeploymentId = @DeploymentId'),
('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
   WHERE v.DeploymentId = @DeploymentId'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId'),
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
   WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0'),
-- Status 3 is Active: a live member is never cleaned up, however old its heartbeat.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3');

-- Reminders -------------------------------------------------------------------------------------------------

CREATE TABLE OrleansRemindersTable (
  ServiceId    varchar(150) NOT NULL,
  GrainId      varchar(150) NOT NULL,
  ReminderName varchar(150) NOT NULL,
  StartTime    timestamptz(3) NOT NULL,
  Period       bigint NOT NULL,
  GrainHash    integer NOT NULL,
  Version      integer NOT NULL,
  PRIMARY KEY (ServiceId, GrainId, ReminderName)
);
CREATE INDEX orleans_reminders_hash ON OrleansRemindersTable (ServiceId, GrainHash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey',
 'INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
  VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
  ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
     SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash, Version = OrleansRemindersTable.Version + 1
  RETURNING Version'),
('ReadReminderRowsKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId'),
('ReadReminderRowKey',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName'),
-- The ring range (begin, end]; when begin >= end the range wraps around zero (the provider picks the key).
('ReadRangeRows1Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash'),
('ReadRangeRows2Key',
 'SELECT GrainId, ReminderName, StartTime, Period, Version FROM OrleansRemindersTable
   WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash)'),
('DeleteReminderRowKey',
 'WITH deleted AS (DELETE FROM OrleansRemindersTable
                    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version RETURNING 1)
  SELECT count(*)::integer AS row_count FROM deleted'),
('DeleteReminderRowsKey',
 'DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId');

-- Grain state -----------------------------------------------------------------------------------------------

CREATE TABLE OrleansStorage (
  GrainIdHash            integer NOT NULL,
  GrainIdN0              bigint NOT NULL,
  GrainIdN1              bigint NOT NULL,
  GrainTypeHash          integer NOT NULL,
  GrainTypeString        varchar(512) NOT NULL,
  GrainIdExtensionString varchar(512),
  ServiceId              varchar(150) NOT NULL,
  PayloadBinary          bytea,
  ModifiedOn             timestamptz NOT NULL,
  Version                integer
);
-- One row per grain: two first writes racing cannot both insert (the provider's own script relies on NOT EXISTS).
CREATE UNIQUE INDEX orleans_storage_grain ON OrleansStorage
  (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString) NULLS NOT DISTINCT;

-- Writes are fenced by Version (the grain state's ETag): a stale activation's write changes nothing and gets its
-- own version back (or NULL for a first write that lost), which the provider reports as an InconsistentStateException.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey',
 'WITH updated AS (
    UPDATE OrleansStorage SET PayloadBinary = @PayloadBinary, ModifiedOn = now(), Version = Version + 1
     WHERE @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
       AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING Version),
  inserted AS (
    INSERT INTO OrleansStorage (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary, now(), 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version)
  SELECT COALESCE((SELECT Version FROM updated), (SELECT Version FROM inserted), @GrainStateVersion) AS NewGrainStateVersion'),
('ReadFromStorageKey',
 'SELECT PayloadBinary, now(), Version FROM OrleansStorage
   WHERE ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
     AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString'),
('ClearStorageKey',
 'UPDATE OrleansStorage SET PayloadBinary = NULL, Version = Version + 1
   WHERE Version = @GrainStateVersion
     AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
     AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  RETURNING Version AS NewGrainStateVersion'),
('DeleteStorageKey',
 'DELETE FROM OrleansStorage
   WHERE Version = @GrainStateVersion
     AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
     AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
  RETURNING Version + 1 AS NewGrainStateVersion');
