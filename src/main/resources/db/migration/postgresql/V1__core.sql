-- Same schema as the SQLite one. Times are epoch milliseconds (UTC) in both dialects.
CREATE TABLE users (
  id               BIGSERIAL PRIMARY KEY,
  login            TEXT    NOT NULL UNIQUE,
  name             TEXT,
  avatar_url       TEXT,
  github_id        BIGINT UNIQUE,
  github_token_enc TEXT,
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL
);

CREATE TABLE api_tokens (
  id           TEXT    PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES users(id),
  name         TEXT    NOT NULL,
  token_hash   TEXT    NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE tasks (
  id               TEXT    PRIMARY KEY,
  user_id          BIGINT NOT NULL REFERENCES users(id),
  status           TEXT    NOT NULL,
  attempt          BIGINT NOT NULL DEFAULT 0,
  max_attempts     BIGINT NOT NULL,
  repo             TEXT    NOT NULL,
  branch           TEXT,
  prompt           TEXT    NOT NULL,
  model            TEXT    NOT NULL,
  max_turns        BIGINT NOT NULL,
  budget_usd       DOUBLE PRECISION    NOT NULL,
  head_branch      TEXT,
  base_commit      TEXT,
  commit_sha       TEXT,
  pr_url           TEXT,
  usage_json       TEXT,
  timings_json     TEXT,
  diff             TEXT,
  error_code       TEXT,
  error_message    TEXT,
  cancel_requested BIGINT NOT NULL DEFAULT 0,
  last_seq         BIGINT NOT NULL DEFAULT 0,
  created_at       BIGINT NOT NULL,
  started_at       BIGINT,
  finished_at      BIGINT,
  updated_at       BIGINT NOT NULL,
  run_after        BIGINT NOT NULL,
  lease_owner      TEXT,
  lease_expires_at BIGINT
);
-- Serves claims (queued by age), the running count and the search for expired leases alike.
CREATE INDEX tasks_runnable ON tasks(status, run_after, created_at, id);
CREATE INDEX tasks_user ON tasks(user_id, created_at DESC, id DESC);

CREATE TABLE events (
  task_id    TEXT    NOT NULL REFERENCES tasks(id),
  seq        BIGINT NOT NULL,
  kind       TEXT    NOT NULL,
  data       TEXT    NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (task_id, seq)
);

CREATE TABLE idempotency_keys (
  user_id      BIGINT NOT NULL REFERENCES users(id),
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  task_id      TEXT    NOT NULL REFERENCES tasks(id),
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (user_id, key)
);
