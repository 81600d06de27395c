-- Who may use the server, and how much (sign-in allowlist, admins, spend ceilings, token scopes).
-- The local-mode user is marked by a flag, never recognised by its login: a GitHub account may be
-- called "local" too.
ALTER TABLE users ADD COLUMN is_local INTEGER NOT NULL DEFAULT 0;
UPDATE users SET is_local = 1 WHERE login = 'local' AND github_id IS NULL;
-- Set while an admin has disabled the user: their sessions and tokens stop working at once.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
-- When the sign-in allowlist (users, orgs, teams) last let this user in; a session or token used
-- after DOCKHAND_MEMBERSHIP_RECHECK asks GitHub again.
ALTER TABLE users ADD COLUMN access_checked_at BIGINT;
-- An admin's per-user spend limits in US dollars, replacing DOCKHAND_USER_*_BUDGET_USD when set.
ALTER TABLE users ADD COLUMN daily_budget_usd DOUBLE PRECISION;
ALTER TABLE users ADD COLUMN monthly_budget_usd DOUBLE PRECISION;

-- Tokens carry a scope (read, write or admin) and may expire. Existing tokens keep what they
-- could do: write, and admin for the local user's.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET scope = 'admin' WHERE user_id IN (SELECT id FROM users WHERE is_local = 1);

-- A login's state is bound to the browser that began it: the hash of a nonce in a cookie.
ALTER TABLE oauth_states ADD COLUMN browser_hash TEXT;

-- Model spend per user per UTC day, added to as each model turn is paid for, so that a user's
-- daily and monthly limits are checked without reading their tasks.
CREATE TABLE user_spend (
  user_id  BIGINT NOT NULL REFERENCES users(id),
  day      TEXT    NOT NULL,
  cost_usd DOUBLE PRECISION    NOT NULL,
  PRIMARY KEY (user_id, day)
);
