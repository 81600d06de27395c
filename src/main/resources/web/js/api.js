// The HTTP API (DESIGN, "HTTP API"). Signed in either by the session cookie (sent by the browser)
// or by a pasted token kept in localStorage and sent as a bearer token.

const TOKEN_KEY = "dockhand.token";

/** Dispatched on window when an API call answers 401: the credentials stopped working. */
export const SIGNED_OUT = "dockhand:signed-out";

export function storedToken() {
  return localStorage.getItem(TOKEN_KEY);
}

export function rememberToken(token) {
  localStorage.setItem(TOKEN_KEY, token.trim());
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** An answer from the API that was not a success: status, code, message and the field at fault. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** The network failed (offline, server down): worth trying again later. */
export class NetworkError extends Error {}

export async function request(method, path, { body, headers = {}, as = "json" } = {}) {
  const token = storedToken();
  const sent = { ...headers };
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (cause) {
    throw new NetworkError(cause.message);
  }
  if (response.status === 401 && path !== "/me") {
    // Signed out behind our back (token revoked, session expired): the app asks again who we are.
    window.dispatchEvent(new Event(SIGNED_OUT));
  }
  if (!response.ok) throw await errorOf(response);
  if (as === "text") return response.text();
  return response.status === 204 ? null : response.json();
}

async function errorOf(response) {
  let error = {};
  try {
    error = (await response.json()).error || {};
  } catch {
    // Not our JSON (a proxy's page, say): fall back to the status line.
  }
  return new ApiError(
    response.status,
    error.code || `http_${response.status}`,
    error.message || `The server answered ${response.status} ${response.statusText}`.trim(),
    error.field,
  );
}

export const api = {
  me: () => request("GET", "/me"),
  tasks: (cursor) =>
    request("GET", `/tasks?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
  task: (id) => request("GET", `/tasks/${encodeURIComponent(id)}`),
  submit: (body, key) => request("POST", "/tasks", { body, headers: { "Idempotency-Key": key } }),
  cancel: (id) => request("POST", `/tasks/${encodeURIComponent(id)}/cancel`),
  message: (id, content, key) =>
    request("POST", `/tasks/${encodeURIComponent(id)}/messages`, {
      body: { content },
      headers: { "Idempotency-Key": key },
    }),
  diff: (id) => request("GET", `/tasks/${encodeURIComponent(id)}/diff`, { as: "text" }),
  repos: () => request("GET", "/repos"),
  environment: (repo) => request("GET", `${repoPath(repo)}/environment`),
  saveEnvironment: (repo, settings) => request("PUT", `${repoPath(repo)}/environment`, { body: settings }),
  rebuildEnvironment: (repo) => request("POST", `${repoPath(repo)}/environment/rebuild`),
  users: (cursor) =>
    request("GET", `/admin/users?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
  disableUser: (id) => request("POST", `/admin/users/${encodeURIComponent(id)}/disable`),
  enableUser: (id) => request("POST", `/admin/users/${encodeURIComponent(id)}/enable`),
  usage: ({ from, to, groupBy }) =>
    request("GET", `/usage?${new URLSearchParams({ from, to, groupBy }).toString()}`),
  pushKey: () => request("GET", "/push/key"),
  subscribePush: (subscription) => request("POST", "/push/subscriptions", { body: subscription }),
  unsubscribePush: (id) => request("DELETE", `/push/subscriptions/${encodeURIComponent(id)}`),
};

/** Which ways of signing in the server offers: {github}. Asked before anyone is signed in. */
export async function signInMethods() {
  try {
    const response = await fetch("/auth/methods", { credentials: "same-origin", cache: "no-store" });
    return response.ok ? await response.json() : { github: false };
  } catch {
    return { github: false };
  }
}

/** Spends a one-time sign-in link: the browser gets a session cookie. */
export async function signInWithLink(link) {
  let response;
  try {
    response = await fetch("/auth/link", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ link }),
      credentials: "same-origin",
    });
  } catch (cause) {
    throw new NetworkError(cause.message);
  }
  if (!response.ok) throw await errorOf(response);
  forgetToken();
}

/** "/repos/owner/name" for {owner, name}. */
function repoPath({ owner, name }) {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/** Ends a cookie session; a pasted token is only forgotten (it stays valid on the server). */
export async function signOut() {
  if (storedToken()) {
    forgetToken();
    return;
  }
  await fetch("/auth/logout", { method: "POST", credentials: "same-origin" }).catch(() => {});
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
