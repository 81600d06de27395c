// The environment page's variables: rows of name = value added and removed in place, kept as
// the API's {name: value} object. They are not secret and the page says so.

import { html, useRef } from "./html.js";

let lastKey = 0;

/** Rows for the form from the API's env object, in its (sorted) order. */
export function rowsOf(env) {
  return Object.entries(env || {}).map(([name, value]) => ({ key: ++lastKey, name, value }));
}

/** A refusal found before anything is sent: a name given twice cannot be said in JSON. */
export class RowError extends Error {
  constructor(message, key) {
    super(message);
    this.field = "env";
    this.key = key;
  }
}

/** The API's env object; empty rows are dropped, names are trimmed, the server judges the rest. */
export function envOf(rows) {
  const env = Object.create(null); // a name such as __proto__ stays a name
  for (const row of rows) {
    const name = row.name.trim();
    if (!name && !row.value) continue;
    if (Object.hasOwn(env, name)) throw new RowError(`env variable ${name} is given twice`, row.key);
    env[name] = row.value;
  }
  return env;
}

/** The row an error from the server is about, by the name it quotes. */
export function rowNamed(rows, message) {
  const named = (row) => {
    const name = row.name.trim();
    return message.includes(`'${name}'`) || message.includes(` ${name} `) || message.includes(`env.${name} `);
  };
  return rows.find((row) => row.name.trim() && named(row))?.key ?? rows.find((row) => !row.name.trim())?.key;
}

export function EnvVariables({ rows, onChange, error, invalidKey }) {
  const box = useRef(null);
  const focusLater = (selector) => requestAnimationFrame(() => box.current?.querySelector(selector)?.focus());
  const add = () => {
    const row = { key: ++lastKey, name: "", value: "" };
    onChange([...rows, row]);
    focusLater(`[data-row="${row.key}"] [data-env-name]`);
  };
  const remove = (index) => {
    const left = rows.filter((_, at) => at !== index);
    onChange(left);
    const neighbour = left[index] ?? left[index - 1];
    focusLater(neighbour ? `[data-row="${neighbour.key}"] [data-remove]` : "[data-add]");
  };
  const edit = (index, part) => (event) => {
    const value = event.currentTarget.value;
    onChange(rows.map((row, at) => (at === index ? { ...row, [part]: value } : row)));
  };
  const described = ["env-note", error ? "env-error" : ""].filter(Boolean).join(" ");
  return html`
    <fieldset ref=${box} class=${`field env-vars${error && invalidKey === undefined ? " invalid" : ""}`} aria-describedby=${described}>
      <legend>Environment variables (optional)</legend>
      <p class="note" id="env-note">
        <strong>Not for secrets.</strong> These are stored and shown in plain text. Setup, maintenance,
        checks and the agent's commands all see them.
      </p>
      ${rows.length > 0 && html`<div class="env-head" aria-hidden="true"><span>Name</span><span>Value</span></div>`}
      <ul class="env-rows">
        ${rows.map((row, index) => {
          const label = row.name.trim() || `variable ${index + 1}`;
          return html`<li key=${row.key} class="env-row" data-row=${row.key}>
            <input type="text" class="mono" value=${row.name} onInput=${edit(index, "name")} data-env-name
              aria-label=${`Name of variable ${index + 1}`} placeholder="NAME" autocomplete="off"
              autocapitalize="characters" spellcheck="false" aria-invalid=${invalidKey === row.key ? "true" : undefined}
              aria-describedby=${invalidKey === row.key ? "env-error" : undefined} />
            <input type="text" class="mono" value=${row.value} onInput=${edit(index, "value")} data-env-value
              aria-label=${`Value of ${label}`} placeholder="value" autocomplete="off" autocapitalize="off" spellcheck="false" />
            <button type="button" class="button small icon" onClick=${() => remove(index)} data-remove
              aria-label=${`Remove ${label}`} title="Remove"><span aria-hidden="true">✕</span></button>
          </li>`;
        })}
      </ul>
      <button type="button" class="button small" onClick=${add} data-add>Add variable</button>
      ${error && html`<p class="field-error" id="env-error" role="alert">${error}</p>`}
    </fieldset>
  `;
}
