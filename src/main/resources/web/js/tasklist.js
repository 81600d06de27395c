// The task list: newest first, paged, kept current by the WebSocket's "tasks" topic.

import { html, useState, useEffect } from "./html.js";
import { api } from "./api.js";
import { live } from "./live.js";
import { age, cost, firstLine, repoName } from "./format.js";

function merge(tasks, task) {
  const others = tasks.filter((known) => known.id !== task.id);
  return [...others, task].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
  );
}

export function TaskList() {
  const [tasks, setTasks] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [state, setState] = useState("loading");
  const [error, setError] = useState(null);
  const [, tick] = useState(0);

  const load = async (from) => {
    setState("loading");
    setError(null);
    try {
      const page = await api.tasks(from);
      setTasks((known) => page.items.reduce(merge, from ? known : []));
      setCursor(page.nextCursor || null);
      setState("ready");
    } catch (failure) {
      setError(failure.message);
      setState("failed");
    }
  };

  useEffect(() => {
    load(null);
    const stop = live.onTasks((task) => setTasks((known) => merge(known, task)));
    const stopStatus = live.onStatus((up) => up && load(null));
    const clock = setInterval(() => tick((n) => n + 1), 30_000);
    return () => {
      stop();
      stopStatus();
      clearInterval(clock);
    };
  }, []);

  return html`
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">Tasks</h1>
      ${error && html`<p class="alert" role="alert">Could not load tasks: ${error}
        <button type="button" class="button small" onClick=${() => load(null)}>Try again</button></p>`}
      ${state === "ready" && tasks.length === 0 &&
      html`<div class="empty">
        <p>No tasks yet.</p>
        <a class="button primary" href="#/new">Start your first task</a>
      </div>`}
      <ul class="task-list" aria-busy=${state === "loading"}>
        ${tasks.map((task) => html`<${TaskRow} key=${task.id} task=${task} />`)}
      </ul>
      ${state === "loading" && html`<p class="muted" role="status">Loading…</p>`}
      ${cursor && state === "ready" &&
      html`<button type="button" class="button block" onClick=${() => load(cursor)}>Show older tasks</button>`}
    </section>
  `;
}

function TaskRow({ task }) {
  return html`
    <li class="task-row" data-task-id=${task.id}>
      <a href=${`#/tasks/${encodeURIComponent(task.id)}`}>
        <div class="row-top">
          <span class="repo">${repoName(task.repo)}</span>
          <${Badge} status=${task.status} />
        </div>
        <div class="prompt">${firstLine(task.prompt)}</div>
        <div class="row-meta muted">
          <span>${age(task.createdAt)}</span>
          ${task.usage?.costUsd > 0 && html`<span>${cost(task.usage.costUsd)}</span>`}
          ${task.attempt > 1 && html`<span>attempt ${task.attempt}</span>`}
        </div>
      </a>
    </li>
  `;
}

export function Badge({ status }) {
  return html`<span class=${`badge ${status}`} data-status=${status}>${status}</span>`;
}
