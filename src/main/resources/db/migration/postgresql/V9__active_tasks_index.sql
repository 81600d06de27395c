-- A person's queued and running tasks, counted inside every submit's transaction (the per-user
-- active-task limit): without it the count reads all their tasks, finished ones too.
CREATE INDEX tasks_active ON tasks(user_id, status);
