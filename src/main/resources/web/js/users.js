// Admins only: every user with their state, active tasks and spend, and a button to disable or
// enable them. Disabling ends their sessions and tokens at once and cancels their running tasks.

import { html, useState, useEffect } from "./html.js";
import { api } from "./api.js";
import { cost } from "./format.js";

export function Users({ me }) {
  const [users, setUsers] = useState([]);
  const [state, setState] = useState("loading");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(null);

  const load = async () => {
    setError(null);
    try {
      const all = [];
      let cursor = null;
      do {
        const page = await api.users(cursor);
        all.push(...page.items);
        cursor = page.nextCursor || null;
      } while (cursor);
      setUsers(all);
      setState("ready");
    } catch (failure) {
      setError(failure.message);
      setState("failed");
    }
  };

  useEffect(() => {
    if (me.admin) load();
  }, [me.admin]);

  if (!me.admin) {
    return html`<section><h1>Users</h1><p class="alert" role="alert">Only admins can see the users.</p></section>`;
  }

  const change = async (user, enable) => {
    setBusy(user.id);
    setError(null);
    try {
      await (enable ? api.enableUser(user.id) : api.disableUser(user.id));
      await load();
    } catch (failure) {
      setError(`Could not ${enable ? "enable" : "disable"} ${user.login}: ${failure.message}`);
    } finally {
      setBusy(null);
    }
  };

  return html`
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      ${error && html`<p class="alert" role="alert">${error}</p>`}
      ${state === "loading" && html`<p class="muted" role="status">Loading…</p>`}
      <ul class="user-list">
        ${users.map(
          (user) => html`<${UserRow}
            key=${user.id}
            user=${user}
            self=${user.id === me.id}
            busy=${busy === user.id}
            onChange=${change}
          />`,
        )}
      </ul>
    </section>
  `;
}

function UserRow({ user, self, busy, onChange }) {
  const budget = (usd) => (usd === null || usd === undefined ? "default" : cost(usd));
  const lockedOut = self || user.local;
  return html`
    <li class=${`user-row${user.disabled ? " disabled" : ""}`} data-user=${user.login}>
      <div class="row-top">
        <span class="user-name">
          ${user.avatarUrl
            ? html`<img class="avatar" src=${user.avatarUrl} alt="" width="32" height="32" />`
            : html`<span class="avatar initial" aria-hidden="true">${user.login.slice(0, 1).toUpperCase()}</span>`}
          <span><strong>${user.login}</strong>${user.name && user.name !== user.login ? html` <span class="muted">${user.name}</span>` : ""}</span>
        </span>
        <span class="tags">
          ${user.admin && html`<span class="tag">admin</span>`}
          ${user.local && html`<span class="tag">local</span>`}
          ${user.disabled && html`<span class="tag danger" data-state="disabled">disabled</span>`}
        </span>
      </div>
      <dl class="facts">
        <div><dt>Active</dt><dd data-fact="active">${user.activeTasks}</dd></div>
        <div><dt>Today</dt><dd data-fact="today">${cost(user.spend.todayUsd)}</dd></div>
        <div><dt>This month</dt><dd data-fact="month">${cost(user.spend.thisMonthUsd)}</dd></div>
        <div class="wide"><dt>Limit day / month</dt><dd>${budget(user.budget.dailyUsd)} / ${budget(user.budget.monthlyUsd)}</dd></div>
      </dl>
      ${!lockedOut &&
      html`<div class="actions">
        ${user.disabled
          ? html`<button type="button" class="button small" disabled=${busy} onClick=${() => onChange(user, true)}
              aria-label=${`Enable ${user.login}`}>Enable</button>`
          : html`<button type="button" class="button small danger" disabled=${busy} onClick=${() => onChange(user, false)}
              aria-label=${`Disable ${user.login}`}>Disable</button>`}
      </div>`}
    </li>
  `;
}
