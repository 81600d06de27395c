-- Login sessions and pending OAuth logins. Ids and states are stored as SHA-256 hashes only.
CREATE TABLE sessions (
  id_hash      TEXT    PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- The PKCE verifier is kept in clear: it is single use, expires in minutes, and is worthless
-- without the authorization code that only reaches the callback.
CREATE TABLE oauth_states (
  state_hash    TEXT    PRIMARY KEY,
  code_verifier TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);
