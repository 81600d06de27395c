// A repository's environment (DESIGN, "Environments"): the person's own settings for it, saved
// whole; removing them lets the repository's devcontainer.json apply again; and the cached
// environment dropped on demand. The API's validation is the rule book: its errors show at the field.

import { html, useState, useEffect, useRef } from "./html.js";
import { api, ApiError } from "./api.js";
import { age } from "./format.js";
import { newTaskOn } from "./newtask.js";
import { EnvVariables, envOf, rowNamed, rowsOf } from "./envvars.js";

const COMMANDS = [
  { name: "setup", label: "Setup", placeholder: "npm ci",
    hint: "Runs in /workspace before the agent, through the sandbox's proxy. Its result is cached for later tasks." },
  { name: "maintenance", label: "Maintenance (optional)", placeholder: "npm install",
    hint: "Runs after a cached environment is restored, to catch up with the task's commit." },
  { name: "checks", label: "Checks (optional)", placeholder: "npm test",
    hint: "Runs after the agent. When it fails, the agent gets its output and another round." },
];
const FIELDS = ["setup", "maintenance", "checks", "env", "lockfiles", "continueOnSetupFailure"];
const GO_ON = "continueOnSetupFailure";

function formOf(answer) {
  return {
    setup: answer.setup ?? "",
    maintenance: answer.maintenance ?? "",
    checks: answer.checks ?? "",
    rows: rowsOf(answer.env),
    lockfiles: (answer.lockfiles || []).join(", "),
    [GO_ON]: Boolean(answer[GO_ON]),
  };
}

function settingsOf(form) {
  return {
    setup: form.setup,
    maintenance: form.maintenance,
    checks: form.checks,
    env: envOf(form.rows),
    lockfiles: form.lockfiles.split(/[\s,]+/).filter(Boolean),
    [GO_ON]: form[GO_ON],
  };
}

export function Environment({ owner, name }) {
  const repo = { owner, name };
  const [answer, setAnswer] = useState(null);
  const [form, setForm] = useState(null);
  const [problem, setProblem] = useState(null);
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(null);
  const [rebuildError, setRebuildError] = useState(null);
  const formBox = useRef(null);

  const loaded = (settings) => {
    setAnswer(settings);
    setForm(formOf(settings));
  };
  useEffect(() => {
    api.environment(repo).then(loaded, (failure) => setProblem(`Could not load the environment: ${failure.message}`));
  }, []);

  if (problem) return html`<section><h1>Environment</h1><p class="alert" role="alert">${problem}</p></section>`;
  if (!form) return html`<p class="muted" role="status">Loading…</p>`;

  const change = (part, value) => {
    setForm((known) => ({ ...known, [part]: value }));
    setErrors((known) => ({ ...known, [part]: undefined, ...(part === "rows" ? { env: undefined } : {}) }));
    setStatus("");
  };
  const focusField = (field, rowKey) =>
    requestAnimationFrame(() => {
      const root = formBox.current;
      const target =
        field === "env"
          ? root?.querySelector(`[data-row="${rowKey}"] [data-env-name]`) || root?.querySelector("[data-env-name], [data-add]")
          : root?.querySelector(`#env-${field}`);
      target?.focus();
    });
  const refused = (failure) => {
    if (FIELDS.includes(failure.field)) {
      const rowKey = failure.field === "env" ? failure.key ?? rowNamed(form.rows, failure.message) : undefined;
      setErrors({ [failure.field]: failure.message, envRow: rowKey });
      focusField(failure.field, rowKey);
    } else {
      setFormError(failure.message);
    }
  };
  const run = async (what, action) => {
    setBusy(what);
    setFormError(null);
    setStatus("");
    try {
      await action();
    } catch (failure) {
      if (what === "rebuild") setRebuildError(failure.message);
      else refused(failure);
    } finally {
      setBusy(null);
    }
  };

  const save = (event) => {
    event.preventDefault();
    run("save", async () => {
      setErrors({});
      const saved = await api.saveEnvironment(repo, settingsOf(form));
      loaded(saved);
      setStatus(saved.saved ? "Saved. New tasks on this repository use these settings." : "Nothing is set, so nothing is saved.");
    });
  };
  const remove = () => {
    if (!window.confirm(`Remove your environment settings for ${answer.repo}?`)) return;
    run("remove", async () => {
      setErrors({});
      loaded(await api.saveEnvironment(repo, {}));
      setStatus("Settings removed.");
    });
  };
  const rebuild = () =>
    run("rebuild", async () => {
      setRebuildError(null);
      await api.rebuildEnvironment(repo);
      setStatus("Cached environment dropped: the next task on this repository runs its setup again.");
    });

  return html`
    <section class="environment" aria-labelledby="env-title">
      <h1 id="env-title">Environment <span class="env-repo mono">${answer.repo}</span></h1>
      <${Source} answer=${answer} />
      <form ref=${formBox} class="stack" onSubmit=${save} novalidate>
        ${formError && html`<p class="alert" role="alert">${formError}</p>`}
        ${COMMANDS.map(
          (command) => html`<${Command} key=${command.name} command=${command} value=${form[command.name]}
            error=${errors[command.name]} onInput=${(value) => change(command.name, value)} />`,
        )}
        <${EnvVariables} rows=${form.rows} onChange=${(rows) => change("rows", rows)} error=${errors.env} invalidKey=${errors.envRow} />
        <${Lockfiles} value=${form.lockfiles} defaults=${answer.defaultLockfiles || []} error=${errors.lockfiles}
          onInput=${(value) => change("lockfiles", value)} />
        <div class=${`field check${errors[GO_ON] ? " invalid" : ""}`}>
          <label class="checkbox">
            <input id=${`env-${GO_ON}`} type="checkbox" checked=${form[GO_ON]}
              onChange=${(event) => change(GO_ON, event.currentTarget.checked)} aria-describedby="env-go-on-hint" />
            <span>Let tasks go on when setup fails</span>
          </label>
          <p class="hint" id="env-go-on-hint">Otherwise a failed setup fails the task, with the end of its output.</p>
          ${errors[GO_ON] && html`<p class="field-error" role="alert">${errors[GO_ON]}</p>`}
        </div>
        <button class="button primary block" type="submit" disabled=${busy !== null}>${busy === "save" ? "Saving…" : "Save"}</button>
        <p class="env-status" role="status" data-env-status>${status}</p>
      </form>
      <section class="env-more" aria-labelledby="env-cache-title">
        <h2 id="env-cache-title">Cached environment</h2>
        <p class="hint">Later tasks start from what the last successful setup left (dependencies, caches) while the setup and the lockfiles stay the same.</p>
        <button type="button" class="button" onClick=${rebuild} disabled=${busy !== null}>
          ${busy === "rebuild" ? "Rebuilding…" : "Rebuild environment"}
        </button>
        ${rebuildError && html`<p class="alert" role="alert" data-rebuild-error>Not rebuilt: ${rebuildError}</p>`}
        <div class="env-links">
          <button type="button" class="button danger" onClick=${remove} disabled=${busy !== null || !answer.saved}>Remove settings</button>
          <button type="button" class="button" onClick=${() => newTaskOn(answer.repo)}>New task on ${answer.repo}</button>
        </div>
      </section>
    </section>
  `;
}

function Source({ answer }) {
  return answer.saved
    ? html`<p class="env-source" data-env-source="saved">
        Your saved settings apply${answer.updatedAt ? ` (saved ${age(answer.updatedAt)})` : ""}. They take the place of the repository's <code>.devcontainer/devcontainer.json</code>.
      </p>`
    : html`<p class="env-source" data-env-source="none">
        None saved: the repository's <code>.devcontainer/devcontainer.json</code> applies if it has one.
      </p>`;
}

function Command({ command, value, error, onInput }) {
  const id = `env-${command.name}`;
  return html`
    <div class=${`field${error ? " invalid" : ""}`}>
      <label for=${id}>${command.label}</label>
      <p class="hint" id=${`${id}-hint`}>${command.hint}</p>
      <textarea id=${id} class="mono" rows="4" value=${value} placeholder=${command.placeholder}
        spellcheck="false" autocapitalize="off" autocomplete="off"
        onInput=${(event) => onInput(event.currentTarget.value)} aria-invalid=${error ? "true" : undefined}
        aria-describedby=${[`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ")}></textarea>
      ${error && html`<p class="field-error" id=${`${id}-error`} role="alert">${error}</p>`}
    </div>
  `;
}

function Lockfiles({ value, defaults, error, onInput }) {
  return html`
    <div class=${`field${error ? " invalid" : ""}`}>
      <label for="env-lockfiles">Lockfiles (optional)</label>
      <p class="hint" id="env-lockfiles-hint">File names whose content keys the cached environment, separated by commas or spaces; * matches anything. Empty: the common ones, shown greyed.</p>
      <textarea id="env-lockfiles" class="mono" rows="5" value=${value} placeholder=${defaults.join(", ")}
        spellcheck="false" autocapitalize="off" autocomplete="off"
        onInput=${(event) => onInput(event.currentTarget.value)} aria-invalid=${error ? "true" : undefined}
        aria-describedby=${["env-lockfiles-hint", error ? "env-lockfiles-error" : ""].filter(Boolean).join(" ")}></textarea>
      ${error && html`<p class="field-error" id="env-lockfiles-error" role="alert">${error}</p>`}
    </div>
  `;
}
