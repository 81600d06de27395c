// The repository's setup in a task's conversation: one item from setup.started to
// setup.finished, the live output between them (setup deltas are never stored, so a page opened
// later shows only what arrives from then on), and a setup failure's reason with its link followed.

import { html } from "./html.js";
import { useLayoutEffect, useRef } from "../vendor/hooks.js";
import { environmentHref } from "./format.js";

/** How much live output a task page keeps in memory: the end, about 200 KB. */
export const LIVE_OUTPUT_CHARS = 200 * 1024;

/** Live output with `text` added, its start dropped (at a line end) past the cap. */
export function capped(output, text) {
  const whole = output + text;
  if (whole.length <= LIVE_OUTPUT_CHARS) return { text: whole, cut: false };
  let start = whole.length - LIVE_OUTPUT_CHARS;
  const lineEnd = whole.indexOf("\n", start);
  if (lineEnd >= 0 && lineEnd - start < 4096) start = lineEnd + 1;
  return { text: whole.slice(start), cut: true };
}

/** The state's live setup output with `text` added. */
export function withOutput(state, text) {
  const next = capped(state.setupOutput, text);
  return { ...state, setupOutput: next.text, setupCut: state.setupCut || next.cut };
}

export function startSetup(state, frame) {
  const data = frame.data || {};
  const item = { seq: frame.seq, at: frame.at, type: "setup", running: true, source: data.source, file: data.file };
  // Output that came just before its event (a subscription's first moments) is this setup's.
  const stopped = stopSetup(state, false);
  return { ...stopped, items: afterAttemptStart(stopped.items, item) };
}

/**
 * The setup's place: right after its attempt's start. The first model turn goes out while the
 * setup runs (a warm start), so its messages may be logged before setup.started.
 */
function afterAttemptStart(items, item) {
  const start = items.findLastIndex((known) => known.attemptStart);
  return start < 0 ? [...items, item] : [...items.slice(0, start + 1), item, ...items.slice(start + 1)];
}

export function finishSetup(state, frame) {
  const data = frame.data || {};
  const result = { exitCode: data.exitCode ?? 0, durationMs: data.durationMs, cached: Boolean(data.cached) };
  const settled = settle(state, result);
  if (settled !== state) return settled;
  // A cached environment may be restored without a setup.started.
  const item = { seq: frame.seq, at: frame.at, type: "setup", running: false, ...result, output: state.setupOutput, cut: state.setupCut };
  return { ...state, items: afterAttemptStart(state.items, item), setupOutput: "", setupCut: false };
}

/** Ends a setup left running (the attempt ended or was retried): it stopped, its output kept. */
export function stopSetup(state, clearOutput = true) {
  const settled = settle(state, { stopped: true });
  return settled === state && clearOutput ? { ...state, setupOutput: "", setupCut: false } : settled;
}

function settle(state, result) {
  const at = state.items.findLastIndex((item) => item.type === "setup" && item.running);
  if (at < 0) return state;
  const done = { ...state.items[at], ...result, running: false, output: state.setupOutput, cut: state.setupCut };
  return { ...state, items: state.items.map((item, i) => (i === at ? done : item)), setupOutput: "", setupCut: false };
}

/** The item's one line and its tone. */
export function setupSummary(item) {
  if (item.running) return { state: "running", tone: "", text: "Setup running…" };
  if (item.stopped) return { state: "stopped", tone: "warn", text: "Setup stopped" };
  if (item.cached) return { state: "cached", tone: "good", text: `Environment restored from cache in ${seconds(item.durationMs)}` };
  if (item.exitCode === 0) return { state: "done", tone: "good", text: `Setup done in ${seconds(item.durationMs)}` };
  if (item.exitCode === -1) return { state: "failed", tone: "bad", text: `Setup timed out after ${seconds(item.durationMs)}` };
  return { state: "failed", tone: "bad", text: `Setup failed (exit ${item.exitCode}) in ${seconds(item.durationMs)}` };
}

/** "0.4 s", "4 s", "12 s", "2 min 5 s". */
export function seconds(ms) {
  if (ms === undefined || ms === null) return "";
  if (ms < 10_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")} s`;
  const whole = Math.round(ms / 1000);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

function origin(item) {
  if (item.source === "devcontainer") return `from the repository's ${item.file || ".devcontainer/devcontainer.json"}`;
  if (item.source === "settings") return "from your settings";
  return "";
}

export function SetupItem({ item, output, cut }) {
  const from = origin(item);
  return html`<${OutputItem} name="setup" summary=${setupSummary(item)} running=${item.running}
    text=${item.running ? output : item.output || ""} cut=${item.running ? cut : item.cut}
    note=${from} cardNote=${from} />`;
}

/**
 * One run of setup or checks (`name`): a line once it is over and its output is not known here
 * (a page opened later), else a card with its output, open while it runs or when it failed.
 */
export function OutputItem({ name, summary, running, text, cut, note, cardNote }) {
  const state = { [`data-${name}`]: summary.state };
  const label = { [`data-${name}-summary`]: "" };
  if (!running && !text) {
    return html`<li class=${`system setup-line ${summary.tone}`} ...${state}>
      <span ...${label}>${summary.text}</span>${note && html`<span class="muted small"> · ${note}</span>`}
    </li>`;
  }
  return html`<li class="msg setup">
    <details class=${`setup-card ${summary.tone}`} open=${running || summary.tone === "bad"} ...${state}>
      <summary>
        <span class="tool-name">${name}</span>
        <span class="setup-summary" ...${label}>${summary.text}</span>
      </summary>
      ${cardNote && html`<p class="muted small setup-from">${cardNote}</p>`}
      <${LiveOutput} text=${text} cut=${cut} running=${running} kind=${name} />
    </details>
  </li>`;
}

/** The output, following its end while it grows unless the person scrolled up in it. */
export function LiveOutput({ text, cut, running, kind }) {
  const box = useRef(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    if (box.current && following.current) box.current.scrollTop = box.current.scrollHeight;
  }, [text]);
  const scrolled = () => {
    const el = box.current;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  return html`
    ${cut && html`<p class="muted small setup-cut">Earlier output is not kept here.</p>`}
    <pre class="setup-output" ref=${box} onScroll=${scrolled} tabindex="0" aria-label=${kind === "checks" ? "Checks output" : "Setup output"}
      aria-live="off" data-setup-output=${kind === "setup" ? "" : undefined} data-checks-output=${kind === "checks" ? "" : undefined}><code>${text || (running ? "Waiting for output…" : "")}</code></pre>`;
}

/**
 * A task's failure reason. A failed setup's ends with the link to the repository's environment
 * page: that last link (the output quoted before it is the container's, never followed) opens this
 * app's own page, whatever origin the server wrote.
 */
export function Reason({ text, code }) {
  if (!text || code !== "setup_failed") return text || null;
  const links = [...text.matchAll(/(?:https?:\/\/\S*?)?\/#\/repos\/([^/\s]+)\/([^/\s]+)\/environment\b/g)];
  const last = links[links.length - 1];
  const href = last && environmentHref(`${last[1]}/${last[2]}`);
  if (!href) return text;
  return html`${text.slice(0, last.index)}<a href=${href} data-settings-link>${last[0]}</a>${text.slice(last.index + last[0].length)}`;
}
