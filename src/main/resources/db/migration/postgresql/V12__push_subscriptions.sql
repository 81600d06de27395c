-- Web Push subscriptions, one per browser (its endpoint) and user. The endpoint and keys are what
-- the browser's PushManager gave (RFC 8030 endpoint, RFC 8291 p256dh and auth, base64url);
-- server_key is the VAPID public key the browser subscribed with: a node whose key differs cannot
-- send to it.
CREATE TABLE push_subscriptions (
  id           TEXT    PRIMARY KEY,
  user_id      BIGINT  NOT NULL REFERENCES users(id),
  endpoint     TEXT    NOT NULL UNIQUE,
  p256dh       TEXT    NOT NULL,
  auth         TEXT    NOT NULL,
  server_key   TEXT    NOT NULL,
  created_at   BIGINT  NOT NULL,
  last_sent_at BIGINT
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id, created_at);
