// A new task: repository (picked from GET /repos, or typed), base branch, prompt, model and any
// extra hosts the agent may reach. The API's own validation is the rule book: its field errors are
// shown at the field.

import { html, useState, useEffect, useMemo, useRef } from "./html.js";
import { api, ApiError, newKey } from "./api.js";
import { askPermission, watch } from "./notify.js";
import { environmentHref } from "./format.js";

const MODELS = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"];
const FIELDS = ["repo", "branch", "prompt", "model", "egressAllow"];
const EMPTY = { repo: "", branch: "", prompt: "", model: "", egressAllow: "" };
const DRAFT = "dockhand.draft";

/** Opens the form filled in from another task, with more hosts allowed. */
export function newTaskFrom(task, hosts) {
  const allowed = [...new Set([...(task.egressAllow || []), ...hosts])];
  const draft = { repo: task.repo, branch: task.branch || "", prompt: task.prompt, model: task.model || "", egressAllow: allowed.join(", ") };
  sessionStorage.setItem(DRAFT, JSON.stringify(draft));
  location.hash = "#/new";
}

/** Opens the form on a repository, or on the draft kept when its environment page was opened. */
export function newTaskOn(repo) {
  if (!sessionStorage.getItem(DRAFT)) sessionStorage.setItem(DRAFT, JSON.stringify({ ...EMPTY, repo }));
  location.hash = "#/new";
}

function keepDraft(values) {
  sessionStorage.setItem(DRAFT, JSON.stringify(values));
}

function takeDraft() {
  const stored = sessionStorage.getItem(DRAFT);
  sessionStorage.removeItem(DRAFT);
  try {
    return stored ? { ...EMPTY, ...JSON.parse(stored) } : EMPTY;
  } catch {
    return EMPTY;
  }
}

/** "a.example.com, *.example.org host:8443" → the list the API takes. */
function hostList(text) {
  return text.split(/[\s,]+/).filter(Boolean);
}

export function NewTask({ me }) {
  const [repos, setRepos] = useState([]);
  const [values, setValues] = useState(takeDraft);
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [showMatches, setShowMatches] = useState(false);
  // One key per filled-in form: a double tap or a retry after a lost answer makes one task.
  const key = useRef(newKey());
  const form = useRef(null);

  useEffect(() => {
    api.repos().then((listed) => setRepos(listed.items || listed || []), () => setRepos([]));
  }, []);

  const matches = useMemo(() => {
    const query = values.repo.trim().toLowerCase();
    return repos
      .filter((repo) => !query || repo.fullName.toLowerCase().includes(query))
      .slice(0, 8);
  }, [repos, values.repo]);

  const set = (name) => (event) => {
    const value = event.currentTarget.value;
    setValues((known) => ({ ...known, [name]: value }));
    setErrors((known) => ({ ...known, [name]: undefined }));
    key.current = newKey();
  };

  const pick = (repo) => {
    setValues((known) => ({ ...known, repo: repo.cloneUrl, branch: known.branch || repo.defaultBranch || "" }));
    setErrors((known) => ({ ...known, repo: undefined }));
    setShowMatches(false);
    key.current = newKey();
  };

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFormError(null);
    const body = { repo: values.repo.trim(), prompt: values.prompt };
    if (values.branch.trim()) body.branch = values.branch.trim();
    if (values.model.trim()) body.model = values.model.trim();
    const hosts = hostList(values.egressAllow);
    if (hosts.length > 0) body.egressAllow = hosts;
    try {
      const task = await api.submit(body, key.current);
      watch(task.id);
      askPermission();
      location.hash = `#/tasks/${encodeURIComponent(task.id)}`;
    } catch (failure) {
      showFailure(failure);
    } finally {
      setBusy(false);
    }
  };

  const showFailure = (failure) => {
    if (failure instanceof ApiError && FIELDS.includes(failure.field)) {
      setErrors({ [failure.field]: failure.message });
      requestAnimationFrame(() => form.current?.querySelector(`[name="${failure.field}"]`)?.focus());
    } else {
      setFormError(failure.message);
    }
  };

  const pickable = repos.length > 0;
  const environment = environmentHref(values.repo);
  return html`
    <section aria-labelledby="new-title">
      <h1 id="new-title">New task</h1>
      <form ref=${form} class="stack" onSubmit=${submit} novalidate>
        ${formError && html`<p class="alert" role="alert">${formError}</p>`}
        <${Field} name="repo" label="Repository" error=${errors.repo}
          aside=${environment && html`<a class="aside-link" href=${environment} onClick=${() => keepDraft(values)}
            aria-label=${`Environment of ${values.repo.trim()}`} data-environment-link>Environment</a>`}
          hint=${pickable ? "Search your repositories, or paste a clone URL." : "The clone URL, e.g. https://github.com/owner/repo.git"}>
          <input id="repo" name="repo" type="text" inputmode="url" autocomplete="off" spellcheck="false"
            autocapitalize="off" placeholder=${pickable ? "Search or paste a URL" : "https://github.com/owner/repo.git"}
            value=${values.repo} onInput=${(event) => { set("repo")(event); setShowMatches(true); }}
            onFocus=${() => setShowMatches(true)}
            role=${pickable ? "combobox" : undefined}
            aria-expanded=${pickable ? String(showMatches && matches.length > 0) : undefined}
            aria-controls=${pickable ? "repo-matches" : undefined}
            aria-autocomplete=${pickable ? "list" : undefined}
            ...${aria("repo", errors.repo)} />
          ${pickable && showMatches && matches.length > 0 &&
          html`<ul id="repo-matches" class="matches" role="listbox" aria-label="Matching repositories">
            ${matches.map((repo) => html`<li role="option" aria-selected=${values.repo === repo.cloneUrl}>
              <button type="button" onClick=${() => pick(repo)}>
                <span>${repo.fullName}</span>${(repo.isPrivate || repo.private) && html`<span class="tag">private</span>`}
              </button>
            </li>`)}
          </ul>`}
        <//>
        <${Field} name="branch" label="Base branch" error=${errors.branch} hint="Leave empty for the repository's default branch.">
          <input id="branch" name="branch" type="text" autocomplete="off" spellcheck="false" autocapitalize="off"
            placeholder="main" value=${values.branch} onInput=${set("branch")} ...${aria("branch", errors.branch)} />
        <//>
        <${Field} name="prompt" label="What should the agent do?" error=${errors.prompt}>
          <textarea id="prompt" name="prompt" rows="6" value=${values.prompt} onInput=${set("prompt")}
            placeholder="Add a README that explains how to run the tests" ...${aria("prompt", errors.prompt, false)}></textarea>
        <//>
        <${Field} name="model" label="Model" error=${errors.model} hint="Leave empty for the server's default.">
          <input id="model" name="model" type="text" list="models" autocomplete="off" spellcheck="false"
            autocapitalize="off" value=${values.model} onInput=${set("model")} ...${aria("model", errors.model)} />
          <datalist id="models">${MODELS.map((model) => html`<option value=${model}></option>`)}</datalist>
        <//>
        <${Field} name="egressAllow" label="Allow extra hosts (optional)" error=${errors.egressAllow}
          hint="The agent reaches only the server's allowed hosts. Add more for this task, comma separated: registry.example.com, *.example.org, host:8443">
          <input id="egressAllow" name="egressAllow" type="text" inputmode="url" autocomplete="off" spellcheck="false"
            autocapitalize="off" placeholder="registry.example.com" value=${values.egressAllow}
            onInput=${set("egressAllow")} ...${aria("egressAllow", errors.egressAllow)} />
        <//>
        <button class="button primary block" type="submit" disabled=${busy}>
          ${busy ? "Starting…" : "Start task"}
        </button>
        <p class="muted small">Signed in as ${me.login}. The agent works in a container and pushes to a new branch.</p>
      </form>
    </section>
  `;
}

function aria(name, error, hasHint = true) {
  const hint = hasHint ? `${name}-hint` : "";
  return {
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": [hint, error ? `${name}-error` : ""].filter(Boolean).join(" ") || undefined,
  };
}

/** aside: a link beside the label (its row keeps its height whether or not there is one). */
function Field({ name, label, hint, error, aside, children }) {
  return html`
    <div class=${`field${error ? " invalid" : ""}`}>
      ${aside === undefined
        ? html`<label for=${name}>${label}</label>`
        : html`<div class="label-row"><label for=${name}>${label}</label>${aside}</div>`}
      ${hint && html`<p class="hint" id=${`${name}-hint`}>${hint}</p>`}
      ${children}
      ${error && html`<p class="field-error" id=${`${name}-error`} role="alert">${error}</p>`}
    </div>
  `;
}
