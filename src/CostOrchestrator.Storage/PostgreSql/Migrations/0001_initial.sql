-- CostOrchestrator cluster store (PostgreSQL), schema version 1.
-- Money is BIGINT micro-cents; instants are timestamptz (microsecond precision, UTC on the wire).
-- Fixed-shape records (chains, targets, attribution, tokens, policies, prices) are jsonb; documents that carry
-- callers' own JSON (provider settings, run input and output, step inputs, cached and journaled results) are
-- json, which keeps the text exactly as written (jsonb would reorder keys and reformat numbers).
-- Identifier columns use the "C" collation: ordinal order, the same as SQLite's BINARY and C#'s ordinal
-- comparison, whatever the database's locale.
-- Unqualified names: the store's connections set search_path to its schema.

CREATE TABLE meta (
  key   text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);

-- One row: bumped inside every registry transaction, so a node that sees a version also sees its change
-- (a sequence advances before commit and would let a poller record a version whose change it cannot see yet).
CREATE TABLE registry_version (
  id      integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO registry_version (id, version) VALUES (1, 0);

CREATE TABLE providers (
  provider_id text COLLATE "C" PRIMARY KEY,
  capability  text COLLATE "C" NOT NULL,
  version     bigint NOT NULL,
  record      json NOT NULL
);
CREATE INDEX providers_capability ON providers (capability);

CREATE TABLE price_history (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  provider_id text COLLATE "C" NOT NULL,
  changed_at  timestamptz NOT NULL,
  cost_model  jsonb NOT NULL
);
CREATE INDEX price_history_provider ON price_history (provider_id, id);

CREATE TABLE budget_policies (
  scope   text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  policy  jsonb NOT NULL
);

CREATE TABLE budget_spend (
  scope        text COLLATE "C" NOT NULL,
  window_kind  text NOT NULL,
  window_start timestamptz NOT NULL,
  charged      bigint NOT NULL DEFAULT 0,
  reserved     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, window_kind, window_start)
);

CREATE TABLE reservations (
  reservation_id  text COLLATE "C" PRIMARY KEY,
  idempotency_key text COLLATE "C" NOT NULL,
  state           text NOT NULL,
  amount          bigint NOT NULL,
  actual          bigint,
  overdraft       boolean NOT NULL,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  chain           jsonb NOT NULL,
  attribution     jsonb NOT NULL,
  targets         jsonb NOT NULL,
  -- Named: the store recognises this violation as "a concurrent reserve with the same key won".
  CONSTRAINT reservations_idempotency_key UNIQUE (idempotency_key)
);
CREATE INDEX reservations_pending_expiry ON reservations (expires_at) WHERE state = 'pending';

CREATE TABLE ledger (
  entry_id       text COLLATE "C" PRIMARY KEY,
  reservation_id text COLLATE "C" UNIQUE,
  created_at     timestamptz NOT NULL,
  run_id         text COLLATE "C",
  estimated      bigint NOT NULL,
  actual         bigint NOT NULL,
  saved          bigint NOT NULL,
  cache_hit      boolean NOT NULL,
  overdraft      boolean NOT NULL,
  unreconciled   boolean NOT NULL,
  chain          jsonb NOT NULL,
  attribution    jsonb NOT NULL,
  tokens         jsonb
);
CREATE INDEX ledger_created ON ledger (created_at DESC, entry_id DESC);
CREATE INDEX ledger_run ON ledger (run_id, created_at DESC) WHERE run_id IS NOT NULL;

-- One row per scope an entry was charged to: "spend of team:media" is an index range, not a scan of chains.
CREATE TABLE ledger_scopes (
  scope    text COLLATE "C" NOT NULL,
  entry_id text COLLATE "C" NOT NULL REFERENCES ledger (entry_id) ON DELETE CASCADE,
  PRIMARY KEY (scope, entry_id)
);

CREATE TABLE pipelines (
  pipeline_id text COLLATE "C" PRIMARY KEY,
  definition  json NOT NULL
);

CREATE TABLE runs (
  run_id      text COLLATE "C" PRIMARY KEY,
  pipeline_id text COLLATE "C" NOT NULL,
  status      text NOT NULL,
  created_at  timestamptz NOT NULL,
  record      json NOT NULL
);
CREATE INDEX runs_created ON runs (created_at DESC, run_id DESC);
CREATE INDEX runs_pipeline ON runs (pipeline_id, created_at DESC, run_id DESC);
CREATE INDEX runs_status ON runs (status, created_at DESC, run_id DESC);

CREATE TABLE run_journal (
  run_id     text COLLATE "C" NOT NULL,
  step_index integer NOT NULL,
  item       integer NOT NULL,
  invocation json NOT NULL,
  result     json NOT NULL,
  PRIMARY KEY (run_id, step_index, item)
);

CREATE TABLE cache (
  key         text COLLATE "C" PRIMARY KEY,
  capability  text COLLATE "C" NOT NULL,
  provider_id text COLLATE "C" NOT NULL,
  result      json NOT NULL,
  cost        bigint NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz
);

CREATE TABLE reminders (
  grain_type  text COLLATE "C" NOT NULL,
  grain_key   text COLLATE "C" NOT NULL,
  name        text COLLATE "C" NOT NULL,
  due_at      timestamptz NOT NULL,
  period      interval,
  claim_until timestamptz,
  claimed_by  text,
  PRIMARY KEY (grain_type, grain_key, name)
);
CREATE INDEX reminders_due ON reminders (due_at);
