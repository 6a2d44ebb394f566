-- CostOrchestrator embedded store, schema version 1.
-- Money is INTEGER micro-cents; instants are INTEGER microseconds since the Unix epoch (UTC);
-- records are JSON text in the contract's snake_case shape.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE registry_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO registry_version (id, version) VALUES (1, 0);

CREATE TABLE providers (
  provider_id TEXT PRIMARY KEY,
  capability  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  record      TEXT NOT NULL
);
CREATE INDEX providers_capability ON providers (capability);

CREATE TABLE price_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  provider_id TEXT NOT NULL,
  changed_at  INTEGER NOT NULL,
  cost_model  TEXT NOT NULL
);
CREATE INDEX price_history_provider ON price_history (provider_id, id);

CREATE TABLE budget_policies (
  scope   TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  policy  TEXT NOT NULL
);

CREATE TABLE budget_spend (
  scope        TEXT NOT NULL,
  window_kind  TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  charged      INTEGER NOT NULL DEFAULT 0,
  reserved     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, window_kind, window_start)
);

CREATE TABLE reservations (
  reservation_id  TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL,
  amount          INTEGER NOT NULL,
  actual          INTEGER,
  overdraft       INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  chain           TEXT NOT NULL,
  attribution     TEXT NOT NULL,
  targets         TEXT NOT NULL
);
CREATE INDEX reservations_pending_expiry ON reservations (expires_at) WHERE state = 'pending';

CREATE TABLE ledger (
  entry_id       TEXT PRIMARY KEY,
  reservation_id TEXT UNIQUE,
  created_at     INTEGER NOT NULL,
  run_id         TEXT,
  estimated      INTEGER NOT NULL,
  actual         INTEGER NOT NULL,
  saved          INTEGER NOT NULL,
  cache_hit      INTEGER NOT NULL,
  overdraft      INTEGER NOT NULL,
  unreconciled   INTEGER NOT NULL,
  chain          TEXT NOT NULL,
  attribution    TEXT NOT NULL,
  tokens         TEXT
);
CREATE INDEX ledger_created ON ledger (created_at);
CREATE INDEX ledger_run ON ledger (run_id);

CREATE TABLE ledger_scopes (
  scope    TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  PRIMARY KEY (scope, entry_id)
);

CREATE TABLE pipelines (
  pipeline_id TEXT PRIMARY KEY,
  definition  TEXT NOT NULL
);

CREATE TABLE runs (
  run_id      TEXT PRIMARY KEY,
  pipeline_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  record      TEXT NOT NULL
);
CREATE INDEX runs_created ON runs (created_at DESC, run_id DESC);
CREATE INDEX runs_pipeline ON runs (pipeline_id, created_at DESC);
CREATE INDEX runs_status ON runs (status, created_at DESC);

CREATE TABLE run_journal (
  run_id     TEXT NOT NULL,
  step_index INTEGER NOT NULL,
  item       INTEGER NOT NULL,
  invocation TEXT NOT NULL,
  result     TEXT NOT NULL,
  PRIMARY KEY (run_id, step_index, item)
);

CREATE TABLE cache (
  key         TEXT PRIMARY KEY,
  capability  TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  result      TEXT NOT NULL,
  cost        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER
);

CREATE TABLE reminders (
  grain_type  TEXT NOT NULL,
  grain_key   TEXT NOT NULL,
  name        TEXT NOT NULL,
  due_at      INTEGER NOT NULL,
  period_us   INTEGER,
  claim_until INTEGER,
  claimed_by  TEXT,
  PRIMARY KEY (grain_type, grain_key, name)
);
CREATE INDEX reminders_due ON reminders (due_at);
