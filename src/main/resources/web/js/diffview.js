// The task's changes as a coloured unified diff, one section per file.

import { html, useState, useEffect } from "./html.js";
import { api } from "./api.js";
import { TERMINAL } from "./format.js";

export function parseDiff(text) {
  const files = [];
  let file = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("diff --git ")) {
      const names = line.match(/^diff --git a\/(.+) b\/(.+)$/);
      file = { name: names ? names[2] : line.slice(11), lines: [], added: 0, removed: 0 };
      files.push(file);
      continue;
    }
    if (!file) {
      if (!line) continue;
      file = { name: "changes", lines: [], added: 0, removed: 0 };
      files.push(file);
    }
    file.lines.push({ kind: kindOf(line), text: line });
    if (line.startsWith("+") && !line.startsWith("+++")) file.added++;
    if (line.startsWith("-") && !line.startsWith("---")) file.removed++;
  }
  files.forEach((each) => {
    while (each.lines.length && each.lines[each.lines.length - 1].text === "") each.lines.pop();
  });
  return files;
}

function kindOf(line) {
  if (line.startsWith("+++") || line.startsWith("---")) return "meta";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  if (/^(index |new file|deleted file|similarity|rename |old mode|new mode|Binary)/.test(line)) return "meta";
  return "context";
}

export function DiffView({ id, status, commit }) {
  const [state, setState] = useState({ loading: true });
  const load = () => {
    setState({ loading: true });
    api.diff(id).then(
      (text) => setState({ files: parseDiff(text) }),
      (error) => setState({ error: error.message }),
    );
  };
  useEffect(load, [id, status, commit]);

  if (state.loading) return html`<p class="muted" role="status">Loading changes…</p>`;
  if (state.error) {
    return html`<p class="alert" role="alert">Could not load the changes: ${state.error}
      <button type="button" class="button small" onClick=${load}>Try again</button></p>`;
  }
  if (state.files.length === 0) {
    return html`<p class="empty muted" data-diff="empty">
      ${TERMINAL.has(status) ? "This task changed nothing." : "No changes yet: they appear when the task finishes."}
    </p>`;
  }
  return html`
    <div class="diff" data-diff="files">
      <p class="muted small">${state.files.length} ${state.files.length === 1 ? "file" : "files"} changed</p>
      ${state.files.map(
        (file) => html`<section class="diff-file" key=${file.name}>
          <h2 class="diff-name"><span class="mono">${file.name}</span>
            <span class="counts"><span class="plus">+${file.added}</span> <span class="minus">−${file.removed}</span></span>
          </h2>
          <pre class="diff-body" tabindex="0" aria-label=${`Changes to ${file.name}`}><code>${file.lines.map(
            (line) => html`<span class=${`line ${line.kind}`}>${line.text || " "}\n</span>`,
          )}</code></pre>
        </section>`,
      )}
    </div>
  `;
}
