-- Bytes of event data the task's log holds, raised by each append, so that the per-task cap
-- (DOCKHAND_TASK_MAX_EVENT_MB) is checked without a scan. The count needs no column: last_seq
-- is the number of events, as seqs start at 1 with no gaps. Existing logs are counted whole.
ALTER TABLE tasks ADD COLUMN event_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET event_bytes =
  (SELECT COALESCE(SUM(LENGTH(CAST(data AS BLOB))), 0) FROM events WHERE events.task_id = tasks.id);
