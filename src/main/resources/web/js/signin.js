// Signing in: GitHub when the server has an OAuth app, a one-time link (a QR code that `serve` and
// `dockhand login-link` print), or a pasted API token (local mode writes one to data/admin-token
// on first start; `dockhand token` makes more).

import { html, useState, useEffect } from "./html.js";
import { api, ApiError, rememberToken, forgetToken, signInMethods, signInWithLink } from "./api.js";

export function SignIn({ problem, onSignedIn }) {
  const [github, setGithub] = useState(false);
  useEffect(() => {
    signInMethods().then((methods) => setGithub(methods.github === true));
  }, []);
  const [token, setToken] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    if (!token.trim()) {
      setError("Paste a token first.");
      return;
    }
    setBusy(true);
    setError(null);
    rememberToken(token);
    try {
      await api.me();
      onSignedIn();
    } catch (failure) {
      forgetToken();
      setError(
        failure instanceof ApiError && failure.status === 401
          ? "That token was not accepted."
          : failure.message,
      );
    } finally {
      setBusy(false);
    }
  };

  return html`
    <main class="page signin">
      <div class="signin-card">
        <img src="/icons/icon.svg" alt="" width="72" height="72" />
        <h1>Dockhand</h1>
        <p class="muted">Claude coding agents on your own server.</p>
        ${problem && html`<p class="alert" role="alert">${problem}</p>`}
        ${github &&
        html`<a class="button primary block" href="/auth/github/login">Sign in with GitHub</a>
          <div class="or" aria-hidden="true"><span>or</span></div>`}
        ${!github &&
        html`<p class="hint link-hint">
          On your phone? Run <code>dockhand login-link</code> on the server and scan the code it shows.
        </p>`}
        <form onSubmit=${submit} novalidate>
          <label for="token">API token</label>
          <p class="hint" id="token-hint">
            In local mode the server writes one to <code>data/admin-token</code> on first start.
          </p>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            spellcheck="false"
            value=${token}
            onInput=${(event) => setToken(event.currentTarget.value)}
            aria-describedby=${error ? "token-hint token-error" : "token-hint"}
            aria-invalid=${error ? "true" : undefined}
          />
          ${error && html`<p class="field-error" id="token-error" role="alert">${error}</p>`}
          <button class="button block" type="submit" disabled=${busy}>
            ${busy ? "Checking…" : "Use token"}
          </button>
        </form>
      </div>
    </main>
  `;
}

/** Opened from a one-time link: one tap signs this browser in (a link preview spends nothing). */
export function LinkSignIn({ link, onSignedIn }) {
  const [state, setState] = useState("ready");
  const [error, setError] = useState(null);
  const go = async () => {
    setState("busy");
    setError(null);
    try {
      await signInWithLink(link);
      location.replace("#/");
      onSignedIn();
    } catch (failure) {
      setError(failure.message);
      setState(failure instanceof ApiError && failure.field === "link" ? "spent" : "ready");
    }
  };
  return html`
    <main class="page signin">
      <div class="signin-card">
        <img src="/icons/icon.svg" alt="" width="72" height="72" />
        <h1>Sign in on this device</h1>
        <p class="muted">This one-time link signs this browser in to Dockhand. It works once, for ten minutes.</p>
        ${error && html`<p class="alert" role="alert">${error}</p>`}
        ${state === "spent"
          ? html`<a class="button block" href="/#/">Other ways to sign in</a>`
          : html`<button type="button" class="button primary block" disabled=${state === "busy"} onClick=${go}>
              ${state === "busy" ? "Signing in…" : "Sign in"}
            </button>`}
      </div>
    </main>
  `;
}
