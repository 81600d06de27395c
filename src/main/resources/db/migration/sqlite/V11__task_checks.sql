-- The last run of a task's checks ({command, exitCode, passed?, failed?, durationMs, round}), as the
-- JSON of its checks.finished event, written in the same transaction as that event; NULL until
-- the checks first ran.
ALTER TABLE tasks ADD COLUMN checks_json TEXT;
