// One task: its status and costs, the hosts its sandbox was refused, the conversation as it
// happens, its changes, cancel and follow-ups.

import { html, useState, useEffect, useReducer, useRef } from "./html.js";
import { api, ApiError } from "./api.js";
import { live } from "./live.js";
import * as outbox from "./outbox.js";
import { watch } from "./notify.js";
import { TERMINAL, age, cost, count, environmentHref, repoName, tokens } from "./format.js";
import { conversationReducer, initialConversation } from "./conversation.js";
import { Badge } from "./tasklist.js";
import { Conversation } from "./items.js";
import { DiffView } from "./diffview.js";
import { newTaskFrom } from "./newtask.js";
import { Reason } from "./setup.js";
import { ChecksFact } from "./checks.js";

const REFRESH_ON = new Set(["task.started", "checks.finished", "git.pushed", "pr.opened", "task.succeeded", "task.failed", "task.cancelled", "task.retrying"]);

export function TaskView({ id, tab, online }) {
  const [task, setTask] = useState(null);
  const [missing, setMissing] = useState(null);
  const [conversation, dispatch] = useReducer(conversationReducer, initialConversation);

  const refresh = () =>
    api.task(id).then(setTask, (error) => {
      if (error instanceof ApiError && error.status === 404) setMissing("There is no such task.");
      else if (!task) setMissing(`Could not load the task: ${error.message}`);
    });

  useEffect(() => {
    setTask(null);
    setMissing(null);
    dispatch({ type: "reset" });
    watch(id);
    refresh();
    const stopTasks = live.onTasks((changed) => changed.id === id && setTask(changed));
    const stopFollowing = live.follow(id, 0, (frame) => {
      dispatch(frame);
      if (frame.type === "event" && REFRESH_ON.has(frame.kind)) refresh();
    });
    return () => {
      stopTasks();
      stopFollowing();
    };
  }, [id]);

  if (missing) {
    return html`<section><h1>Task</h1><p class="alert" role="alert">${missing}</p><a class="button" href="#/">All tasks</a></section>`;
  }
  if (!task) return html`<p class="muted" role="status">Loading…</p>`;

  const base = `#/tasks/${encodeURIComponent(id)}`;
  return html`
    <article class="task" aria-labelledby="task-title">
      <${TaskHeader} task=${task} onChanged=${refresh} />
      <${BlockedNetwork} task=${task} blocked=${conversation.blocked} />
      <nav class="tabs" aria-label="Task">
        <a href=${base} aria-current=${tab === "conversation" ? "page" : undefined}>Conversation</a>
        <a href=${`${base}/changes`} aria-current=${tab === "changes" ? "page" : undefined}>Changes</a>
      </nav>
      ${tab === "changes"
        ? html`<${DiffView} id=${id} status=${task.status} commit=${task.commit} />`
        : html`
          <${Conversation} task=${task} conversation=${conversation} />
          <${FollowUp} task=${task} online=${online} />`}
    </article>
  `;
}

function TaskHeader({ task, onChanged }) {
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState(null);
  const cancel = async () => {
    if (!window.confirm("Cancel this task? The agent stops at once; its work so far is kept in the log.")) return;
    setCancelling(true);
    setError(null);
    try {
      await api.cancel(task.id);
      onChanged();
    } catch (failure) {
      setError(failure.message);
    } finally {
      setCancelling(false);
    }
  };
  const used = tokens(task.usage);
  const environment = environmentHref(task.repo);
  return html`
    <header class="task-head">
      <div class="row-top">
        <h1 id="task-title" class="repo">${repoName(task.repo)}</h1>
        <${Badge} status=${task.status} />
      </div>
      <dl class="facts">
        <div><dt>Attempt</dt><dd data-fact="attempt">${task.attempt} of ${task.maxAttempts}</dd></div>
        <div><dt>Tokens</dt><dd data-fact="tokens">${count(used)}</dd></div>
        <div><dt>Cost</dt><dd data-fact="cost">${cost(task.usage?.costUsd ?? 0)}</dd></div>
        <div><dt>Started</dt><dd>${age(task.createdAt)}</dd></div>
        <div class="wide"><dt>Branch</dt><dd class="mono">${task.headBranch || task.branch || "default"}</dd></div>
        <div class="wide"><dt>Model</dt><dd class="mono">${task.model}</dd></div>
        <${ChecksFact} checks=${task.checks} />
        ${environment && html`<div class="wide"><dt>Environment</dt><dd><a href=${environment} data-environment-link>Setup, checks, variables</a></dd></div>`}
        ${task.egressAllow?.length > 0 &&
        html`<div class="wide"><dt>Extra hosts</dt><dd class="mono" data-fact="egress">${task.egressAllow.join(", ")}</dd></div>`}
      </dl>
      ${task.error && html`<p class="alert reason" role="alert"><${Reason} text=${task.error.message || task.error.code} code=${task.error.code} /></p>`}
      ${error && html`<p class="alert" role="alert">${error}</p>`}
      <div class="actions">
        ${task.prUrl && html`<a class="button primary" href=${task.prUrl} target="_blank" rel="noopener">Open pull request</a>`}
        ${!TERMINAL.has(task.status) &&
        html`<button type="button" class="button danger" onClick=${cancel} disabled=${cancelling}>
          ${cancelling ? "Cancelling…" : "Cancel task"}
        </button>`}
      </div>
    </header>
  `;
}

/**
 * What the sandbox's proxy refused, newest count per host and port. The hosts come from programs
 * in the container: shown as text only, never as links.
 */
function BlockedNetwork({ task, blocked }) {
  const refused = Object.entries(blocked);
  if (refused.length === 0) return null;
  // Only names can be added to one task; an address is the operator's to allow.
  const addable = [...new Set(refused.filter(([, entry]) => isName(entry.host)).map(([, entry]) => allowEntry(entry)))];
  return html`
    <section class="blocked" aria-labelledby="blocked-title">
      <h2 id="blocked-title">Blocked network</h2>
      <ul class="blocked-hosts">
        ${refused.map(
          ([where, entry]) => html`<li key=${where} data-blocked=${where}>
            <code>${where}</code>
            <span class="muted small" data-count>${entry.count} ${entry.count === 1 ? "attempt" : "attempts"}</span>
          </li>`,
        )}
      </ul>
      <p class="hint">The agent may reach only allowed hosts. To allow one, start a new task with it under “Allow extra hosts” (only hosts you expect the task to need), or ask the operator to add it to DOCKHAND_EGRESS_ALLOW.</p>
      ${addable.length > 0 &&
      html`<button type="button" class="button small" onClick=${() => newTaskFrom(task, addable)}>New task allowing ${addable.length === 1 ? "this host" : "these hosts"}</button>`}
    </section>
  `;
}

function isName(host) {
  return !host.includes(":") && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** The allowlist entry for a refused connection: a bare host allows 80 and 443. */
function allowEntry({ host, port }) {
  return port === 80 || port === 443 ? host : `${host}:${port}`;
}

function FollowUp({ task, online }) {
  const [text, setText] = useState("");
  const [refused, setRefused] = useState(null);
  const field = useRef(null);
  useEffect(
    () => outbox.onRefused((item, error) => item.taskId === task.id && setRefused(`Not sent: ${error.message}`)),
    [task.id],
  );
  const send = (event) => {
    event.preventDefault();
    if (!text.trim()) {
      setRefused("Type a message first.");
      field.current?.focus();
      return;
    }
    setRefused(null);
    outbox.enqueue(task.id, text);
    setText("");
  };
  const keys = (event) => {
    if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) send(event);
  };
  return html`
    <form class="composer" onSubmit=${send} novalidate>
      <label for="follow-up" class="visually-hidden">Follow-up message</label>
      <textarea id="follow-up" ref=${field} rows="2" value=${text}
        placeholder=${TERMINAL.has(task.status) ? "Ask for more changes…" : "Add a message for the agent…"}
        onInput=${(event) => setText(event.currentTarget.value)} onKeyDown=${keys}
        aria-describedby=${refused ? "follow-up-error" : undefined}></textarea>
      <button type="submit" class="button primary">Send</button>
      ${refused && html`<p id="follow-up-error" class="field-error" role="alert">${refused}</p>`}
      ${!online && html`<p class="hint">Offline: messages are kept and sent when the connection returns.</p>`}
    </form>
  `;
}
