-- Schema version 3: API keys bound to scopes, stored by the SHA-256 of their secret.
CREATE TABLE api_keys (
  key_id      text COLLATE "C" PRIMARY KEY,
  name        text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  scopes      jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
