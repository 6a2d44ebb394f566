-- Schema version 3: API keys bound to scopes, stored by the SHA-256 of their secret.
CREATE TABLE api_keys (
  key_id      TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  scopes      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
