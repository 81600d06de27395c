// The conversation's items: messages, tool cards, system lines, the text streaming in and the
// follow-ups still waiting to be sent.

import { html, useState, useEffect } from "./html.js";
import { useStickToBottom } from "./scroll.js";
import * as outbox from "./outbox.js";
import { duration } from "./format.js";
import { toolEdit, toolSummary } from "./conversation.js";
import { Reason, SetupItem } from "./setup.js";
import { ChecksItem } from "./checks.js";

export function Conversation({ task, conversation }) {
  const [waiting, setWaiting] = useState(outbox.pending(task.id));
  useEffect(() => {
    setWaiting(outbox.pending(task.id));
    return outbox.onChange(() => setWaiting(outbox.pending(task.id)));
  }, [task.id]);
  const { items, tools, streaming, setupOutput, setupCut, checksOutput, checksCut } = conversation;
  useStickToBottom(items.length + streaming.length + setupOutput.length + checksOutput.length + waiting.length);

  const hasPrompt = items.some((item) => item.type === "user");
  return html`
    <div class="conversation">
      <ol class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Conversation">
        ${!hasPrompt && html`<li class="msg user"><div class="bubble">${task.prompt}</div></li>`}
        ${items.map((item) =>
          item.type === "setup"
            ? html`<${SetupItem} key=${item.seq} item=${item} output=${setupOutput} cut=${setupCut} />`
            : item.type === "checks"
              ? html`<${ChecksItem} key=${item.key ?? item.seq} item=${item} output=${checksOutput} cut=${checksCut} />`
              : html`<${Item} key=${item.seq} item=${item} tools=${tools} />`,
        )}
      </ol>
      ${streaming &&
      html`<div class="msg assistant streaming" aria-live="off">
        <div class="bubble">${streaming}<span class="caret" aria-hidden="true"></span></div>
      </div>`}
      ${waiting.map(
        (item) => html`<div class="msg user pending" key=${item.key} data-outbox=${item.key}>
          <div class="bubble">${item.content}</div>
          <span class="muted small">Waiting to send…</span>
        </div>`,
      )}
    </div>
  `;
}

function Item({ item, tools }) {
  switch (item.type) {
    case "user":
      return html`<li class="msg user"><div class="bubble">${item.text}</div></li>`;
    case "assistant":
      return html`<li class="msg assistant"><div class="bubble">${item.text}</div></li>`;
    case "tool":
      return html`<li class="msg tool"><${ToolCard} id=${item.id} call=${tools[item.id]} /></li>`;
    default:
      return html`<li class=${`system ${item.tone || ""}${item.end ? " end" : ""}`} data-kind=${item.end ? "end" : "note"}>
        <span>${item.text}</span>
        ${item.detail && item.code === "setup_failed"
          ? html`<p class="reason"><${Reason} text=${item.detail} code=${item.code} /></p>`
          : item.detail && html`<span class="detail">: ${item.detail}</span>`}
        ${item.link && html` <a href=${item.link} target="_blank" rel="noopener">${item.link}</a>`}
      </li>`;
  }
}

function ToolCard({ id, call }) {
  if (!call) return null;
  const { name, input, result } = call;
  const state = !result ? "running" : result.isError ? "error" : "ok";
  const edit = name === "bash" ? [] : toolEdit(input);
  const mark = { running: "…", error: "✗", ok: "✓" }[state];
  const label = { running: "running", error: "failed", ok: "done" }[state];
  return html`
    <details class=${`tool-card ${state}`} data-tool-id=${id}>
      <summary>
        <span class="tool-name">${name === "bash" ? "bash" : "edit"}</span>
        <code class="tool-summary">${toolSummary(name, input)}</code>
        <span class=${`tool-state ${state}`} data-state=${state}>
          <span aria-hidden="true">${mark}</span><span class="visually-hidden">${label}</span>
          ${result?.durationMs != null ? ` ${duration(result.durationMs)}` : ""}
        </span>
      </summary>
      ${name === "bash" && longCommand(input.command) && html`<pre class="tool-input"><code>${input.command}</code></pre>`}
      ${edit.length > 0 &&
      html`<pre class="tool-input diff"><code>${edit.map(
        (line) => html`<span class=${line.sign === "+" ? "add" : "del"}>${line.sign} ${line.line}\n</span>`,
      )}</code></pre>`}
      ${result
        ? html`<pre class=${`tool-output${result.isError ? " error" : ""}`} data-output><code>${result.output || "(no output)"}</code></pre>`
        : html`<p class="muted small">Running…</p>`}
    </details>
  `;
}

/** The summary line shows short commands whole; longer ones are shown in full when opened. */
function longCommand(command) {
  return Boolean(command) && (command.length > 32 || command.includes("\n"));
}
