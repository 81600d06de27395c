-- The running incarnation of each node id, alive while its lease is renewed: a second node given
-- the same id is refused at start, and containers are reaped by incarnation, not by name.
CREATE TABLE node_incarnations (
  node_id          TEXT PRIMARY KEY,
  incarnation_id   TEXT NOT NULL,
  started_at       INTEGER NOT NULL,
  lease_expires_at INTEGER NOT NULL
);
