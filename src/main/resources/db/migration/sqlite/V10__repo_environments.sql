-- A person's environment settings for one repository (setup, maintenance, checks, env, lockfiles),
-- as JSON checked by the server before it is stored. repo is the repository's clone URL in lower
-- case, so owner/name and its https URL find the same row.
CREATE TABLE repo_environments (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  repo       TEXT    NOT NULL,
  settings   TEXT    NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, repo)
);
