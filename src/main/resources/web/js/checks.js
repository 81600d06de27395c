// The repository's checks in a task's conversation: one item per run, its live output while it
// runs (checks deltas are never stored, so a page opened later shows only the result), and the
// last result as a line in the task's header.

import { html } from "./html.js";
import { capped, OutputItem, seconds } from "./setup.js";

/** Checks output arrived: into the running item, which the first piece starts. */
export function checksOutput(state, text) {
  const running = state.items.some((item) => item.type === "checks" && item.running);
  const items = running
    ? state.items
    : [...state.items, { key: `checks-${state.lastSeq}`, type: "checks", running: true }];
  const next = capped(state.checksOutput, text);
  return { ...state, items, checksOutput: next.text, checksCut: state.checksCut || next.cut };
}

/** checks.finished: the running item (or a new one, for a page opened later) gets its result. */
export function finishChecks(state, frame) {
  const result = { ...resultOf(frame.data || {}), seq: frame.seq, at: frame.at, running: false };
  const at = state.items.findLastIndex((item) => item.type === "checks" && item.running);
  const done = { type: "checks", ...(at >= 0 ? state.items[at] : {}), ...result, output: state.checksOutput, cut: state.checksCut };
  const items = at >= 0 ? state.items.map((item, i) => (i === at ? done : item)) : [...state.items, done];
  return { ...state, items, checksOutput: "", checksCut: false };
}

/** Ends checks left running (the attempt ended or was retried): they stopped, their output kept. */
export function stopChecks(state) {
  const at = state.items.findLastIndex((item) => item.type === "checks" && item.running);
  if (at < 0) return state;
  const stopped = { ...state.items[at], running: false, stopped: true, output: state.checksOutput, cut: state.checksCut };
  return { ...state, items: state.items.map((item, i) => (i === at ? stopped : item)), checksOutput: "", checksCut: false };
}

/** Whether the conversation's last item is checks that failed: the agent is sent their failure. */
export function afterFailedChecks(state) {
  const last = state.items[state.items.length - 1];
  return Boolean(last && last.type === "checks" && !last.running && last.exitCode !== 0);
}

function resultOf(data) {
  return {
    command: String(data.command ?? ""),
    exitCode: data.exitCode ?? 0,
    passed: data.passed,
    failed: data.failed,
    durationMs: data.durationMs,
    round: data.round ?? 1,
  };
}

/** "2 failed, 10 passed", or what the runner printed of it (no "0 failed"). */
export function counts(result) {
  const parts = [];
  if (result.failed) parts.push(`${result.failed} failed`);
  if (result.passed !== undefined && result.passed !== null) parts.push(`${result.passed} passed`);
  return parts.join(", ");
}

/** A run's one line and its tone. */
export function checksSummary(item) {
  if (item.running) return { state: "running", tone: "", text: "Checks running…" };
  if (item.stopped) return { state: "stopped", tone: "warn", text: "Checks stopped" };
  const shown = counts(item);
  const round = item.round > 1 ? ` · run ${item.round}` : "";
  const took = item.durationMs != null ? ` in ${seconds(item.durationMs)}` : "";
  if (item.exitCode === 0) return { state: "passed", tone: "good", text: `Checks passed${shown ? ` (${shown})` : ""}${took}${round}` };
  if (item.exitCode === -1) return { state: "failed", tone: "bad", text: `Checks timed out${took}${round}` };
  const detail = [`exit ${item.exitCode}`, shown].filter(Boolean).join("; ");
  return { state: "failed", tone: "bad", text: `Checks failed (${detail})${took}${round}` };
}

export function ChecksItem({ item, output, cut }) {
  const command = item.command && html`<code class="checks-command" data-checks-command>$ ${item.command}</code>`;
  return html`<${OutputItem} name="checks" summary=${checksSummary(item)} running=${item.running}
    text=${item.running ? output : item.output || ""} cut=${item.running ? cut : item.cut}
    note=${command} />`;
}

/** The task header's line: the last run of the checks, as the task says. */
export function ChecksFact({ checks }) {
  if (!checks) return null;
  const summary = checksSummary({ ...checks, running: false });
  const failure = checks.exitCode === -1 ? "timed out" : checks.exitCode !== 0 ? `exit ${checks.exitCode}` : "";
  const detail = [failure, counts(checks)].filter(Boolean).join("; ");
  return html`<div class="wide"><dt>Checks</dt>
    <dd class="checks-fact" data-fact="checks" data-checks-result=${summary.state}>
      <span class=${`checks-badge ${summary.tone}`}>${summary.state === "passed" ? "Passed" : "Failed"}</span>
      ${detail && html` <span>${detail}</span>`} · <code class="mono">${checks.command}</code>
    </dd>
  </div>`;
}
