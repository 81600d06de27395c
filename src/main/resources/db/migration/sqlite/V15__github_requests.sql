-- Where the work of a task started from GitHub goes: a pull request's head branch it pushes to
-- (and that pull request), or the issue its own pull request closes.
CREATE TABLE github_tasks (
  task_id      TEXT    PRIMARY KEY REFERENCES tasks(id),
  push_branch  TEXT,
  pull_url     TEXT,
  closes_issue INTEGER
);

-- One request made on GitHub (a mention, a failing CI run), keyed by what asked (issue:<id>,
-- comment:<id>, review:<id>, ci:<repo>:<sha>), the task it went to, and the comment that reports on
-- it: posted when the work starts (comment_id), edited when the task ends (reported_at). A request
-- that started nothing (a stranger's) has no task and is reported at once.
CREATE TABLE github_requests (
  request_key     TEXT    PRIMARY KEY,
  task_id         TEXT    REFERENCES tasks(id),
  repo            TEXT    NOT NULL,
  installation_id INTEGER NOT NULL,
  issue_number    INTEGER NOT NULL,
  comment_id      INTEGER,
  created_at      INTEGER NOT NULL,
  reported_at     INTEGER
);
CREATE INDEX github_requests_unreported ON github_requests(reported_at, task_id);

-- Fix rounds failing CI has sent, per pull request branch (repo is owner/name in lower case): the
-- last head commit one was sent for, and the delivery that sent it, so a retry of that delivery
-- finds its own round.
CREATE TABLE github_ci_rounds (
  repo          TEXT    NOT NULL,
  branch        TEXT    NOT NULL,
  rounds        INTEGER NOT NULL,
  last_sha      TEXT    NOT NULL,
  last_delivery TEXT    NOT NULL,
  PRIMARY KEY (repo, branch)
);

-- The GitHub App's per-repository settings (repo is owner/name in lower case), set by admins.
CREATE TABLE github_repositories (
  repo       TEXT    PRIMARY KEY,
  ci_fix     INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
