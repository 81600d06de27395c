-- Follow-up messages a task has taken, all attempts together, so that DOCKHAND_MAX_MESSAGES_PER_TASK
-- is checked in the same transaction that stores one (counting message.user events would also count
-- the prompt and the loop's own "continue" messages).
ALTER TABLE tasks ADD COLUMN follow_ups INTEGER NOT NULL DEFAULT 0;
