// Usage at a glance: cost per day as a bar chart (plain SVG), and the table the API and
// `dockhand usage` give — tasks, success rate, tokens and cost per day, repository, model or user.

import { html, useState, useEffect } from "./html.js";
import { api } from "./api.js";
import { cost, count, tokens } from "./format.js";

const RANGES = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
];
const GROUPS = [
  { value: "day", label: "Day" },
  { value: "repo", label: "Repository" },
  { value: "model", label: "Model" },
  { value: "user", label: "User" },
];

function utcDay(offset) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - offset);
  return date.toISOString().slice(0, 10);
}

export function Usage({ me }) {
  const [days, setDays] = useState(7);
  const [groupBy, setGroupBy] = useState("day");
  const [daily, setDaily] = useState(null);
  const [grouped, setGrouped] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    const range = { from: utcDay(days - 1), to: utcDay(0) };
    setError(null);
    Promise.all([
      api.usage({ ...range, groupBy: "day" }),
      groupBy === "day" ? null : api.usage({ ...range, groupBy }),
    ])
      .then(([byDay, byGroup]) => {
        if (!live) return;
        setDaily(byDay);
        setGrouped(byGroup || byDay);
      })
      .catch((failure) => live && setError(failure.message));
    return () => {
      live = false;
    };
  }, [days, groupBy]);

  const groups = GROUPS.filter((group) => group.value !== "user" || me.admin);
  return html`
    <section aria-labelledby="usage-title" class="usage">
      <h1 id="usage-title">Usage</h1>
      <p class="muted small">${daily?.scope === "everyone" ? "Every user's tasks" : "Your tasks"}, by the UTC day they were submitted.</p>
      <div class="segmented" role="group" aria-label="Range">
        ${RANGES.map(
          (range) => html`<button type="button" class=${`button small${range.days === days ? " selected" : ""}`}
            aria-pressed=${range.days === days ? "true" : "false"} onClick=${() => setDays(range.days)}>${range.label}</button>`,
        )}
      </div>
      ${error && html`<p class="alert" role="alert">${error}</p>`}
      ${!daily && !error && html`<p class="muted" role="status">Loading…</p>`}
      ${daily && html`<${Summary} total=${daily.total} />`}
      ${daily && html`<${CostChart} rows=${daily.rows} />`}
      <div class="segmented" role="group" aria-label="Group by">
        ${groups.map(
          (group) => html`<button type="button" class=${`button small${group.value === groupBy ? " selected" : ""}`}
            aria-pressed=${group.value === groupBy ? "true" : "false"} onClick=${() => setGroupBy(group.value)}>${group.label}</button>`,
        )}
      </div>
      ${grouped && html`<${UsageTable} report=${grouped} />`}
    </section>
  `;
}

function Summary({ total }) {
  return html`<dl class="facts usage-total">
    <div><dt>Cost</dt><dd data-fact="cost">${cost(total.costUsd)}</dd></div>
    <div><dt>Tasks</dt><dd data-fact="tasks">${total.tasks}</dd></div>
    <div><dt>Success</dt><dd data-fact="success">${rate(total.successRate)}</dd></div>
    <div><dt>Tokens</dt><dd>${count(tokens(total))}</dd></div>
  </dl>`;
}

function compact(n) {
  return new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 }).format(n);
}

function rate(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`;
}

/** Bars of cost per day; the tallest day sets the scale. Text alternatives in each bar's title. */
function CostChart({ rows }) {
  const width = 340;
  const height = 160;
  const top = 16;
  const bottom = 22;
  const max = Math.max(...rows.map((row) => row.costUsd), 0.01);
  const slot = width / rows.length;
  const bar = Math.max(2, slot * 0.7);
  const label = (key) => (rows.length <= 7 ? new Date(`${key}T00:00:00Z`).toLocaleDateString("en", { weekday: "short", timeZone: "UTC" }) : key.slice(8));
  const every = rows.length <= 10 ? 1 : 5;
  return html`<figure class="usage-chart">
    <svg viewBox=${`0 0 ${width} ${height}`} role="img" aria-labelledby="usage-chart-title">
      <title id="usage-chart-title">Cost per day, highest ${cost(max)}</title>
      <line x1="0" x2=${width} y1=${height - bottom} y2=${height - bottom} class="axis" />
      ${rows.map((row, i) => {
        const h = ((height - top - bottom) * row.costUsd) / max;
        const x = i * slot + (slot - bar) / 2;
        return html`<g data-day=${row.key}>
          <rect x=${x} y=${height - bottom - h} width=${bar} height=${h} rx="3" class="bar">
            <title>${row.key}: ${cost(row.costUsd)}, ${row.tasks} tasks</title>
          </rect>
          ${row.costUsd > 0 && rows.length <= 10 &&
          html`<text x=${x + bar / 2} y=${height - bottom - h - 4} class="value">${cost(row.costUsd)}</text>`}
          ${i % every === 0 && html`<text x=${x + bar / 2} y=${height - 6} class="tick">${label(row.key)}</text>`}
        </g>`;
      })}
    </svg>
    <figcaption class="visually-hidden">Cost per day</figcaption>
  </figure>`;
}

function UsageTable({ report }) {
  const rows = report.rows.filter((row) => report.groupBy === "day" || row.tasks > 0);
  return html`<div class="usage-table-wrap">
    <table class="usage-table">
      <thead>
        <tr><th scope="col">${GROUPS.find((g) => g.value === report.groupBy)?.label}</th><th scope="col">Tasks</th><th scope="col">Success</th><th scope="col">Tokens</th><th scope="col">Cost</th></tr>
      </thead>
      <tbody>
        ${rows.map(
          (row) => html`<tr data-row=${row.key}>
            <th scope="row">${report.groupBy === "day" ? row.label.slice(5) : row.label}</th>
            <td>${row.tasks}</td>
            <td>${rate(row.successRate)}</td>
            <td>${compact(tokens(row))}</td>
            <td>${cost(row.costUsd)}</td>
          </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr><th scope="row">Total</th><td>${report.total.tasks}</td><td>${rate(report.total.successRate)}</td>
          <td>${compact(tokens(report.total))}</td>
          <td>${cost(report.total.costUsd)}</td></tr>
      </tfoot>
    </table>
  </div>`;
}
