-- Admins list every user's tasks newest first; without this the listing sorts the whole table.
CREATE INDEX tasks_newest ON tasks(created_at DESC, id DESC);
