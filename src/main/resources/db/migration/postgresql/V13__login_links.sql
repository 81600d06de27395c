-- One-time sign-in links (a phone scans one instead of copying a token). Only the SHA-256 hash of
-- the link's secret is stored; used_at is set by the one use that succeeds.
CREATE TABLE login_links (
  id_hash    TEXT    PRIMARY KEY,
  user_id    BIGINT  NOT NULL REFERENCES users(id),
  created_at BIGINT  NOT NULL,
  expires_at BIGINT  NOT NULL,
  used_at    BIGINT
);
CREATE INDEX login_links_expiry ON login_links(expires_at);
