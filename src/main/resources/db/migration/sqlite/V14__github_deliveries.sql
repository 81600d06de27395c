-- GitHub App webhook deliveries, stored before they are answered so none is lost, and handled
-- once each: id is GitHub's X-GitHub-Delivery, so a redelivery finds its row and does nothing.
-- The payload is kept until the delivery is handled; claimed_until is a short lease a node holds
-- while it handles one, and attempts and run_after pace the retries of one that failed.
CREATE TABLE github_deliveries (
  id            TEXT    PRIMARY KEY,
  event         TEXT    NOT NULL,
  payload       TEXT,
  received_at   INTEGER NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0,
  run_after     INTEGER NOT NULL,
  claimed_by    TEXT,
  claimed_until INTEGER,
  done_at       INTEGER,
  outcome       TEXT
);
CREATE INDEX github_deliveries_pending ON github_deliveries(done_at, run_after);
