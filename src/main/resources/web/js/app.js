// The app's shell: who is signed in, which screen the hash names, and whether we are online.

import { html, render, useState, useEffect } from "./html.js";
import { api, ApiError, signOut, storedToken, forgetToken, SIGNED_OUT } from "./api.js";
import { live } from "./live.js";
import * as outbox from "./outbox.js";
import { startNotifying } from "./notify.js";
import { PushOffer, keepSubscribed, unsubscribe } from "./push.js";
import { SignIn, LinkSignIn } from "./signin.js";
import { TaskList } from "./tasklist.js";
import { NewTask } from "./newtask.js";
import { TaskView } from "./taskview.js";
import { Users } from "./users.js";
import { Environment } from "./environment.js";
import { Usage } from "./usage.js";

function parseRoute(hash) {
  const path = hash.replace(/^#/, "") || "/";
  const task = path.match(/^\/tasks\/([^/]+)(\/changes)?$/);
  if (task) return { name: "task", id: decodeURIComponent(task[1]), tab: task[2] ? "changes" : "conversation" };
  const environment = path.match(/^\/repos\/([^/]+)\/([^/]+)\/environment$/);
  if (environment) {
    return { name: "environment", owner: decodeURIComponent(environment[1]), repo: decodeURIComponent(environment[2]) };
  }
  const link = path.match(/^\/signin\/([A-Za-z0-9_-]+)$/);
  if (link) return { name: "link", link: link[1] };
  if (path === "/new") return { name: "new" };
  if (path === "/usage") return { name: "usage" };
  if (path === "/users") return { name: "users" };
  return { name: "list" };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

/** undefined while asking, null when signed out, else the caller from GET /me. */
function useMe() {
  const [me, setMe] = useState(undefined);
  const [problem, setProblem] = useState(null);
  const check = async () => {
    setProblem(null);
    try {
      setMe(await api.me());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        if (storedToken()) {
          forgetToken();
          setProblem("That token was not accepted. It may have been revoked.");
        }
        setMe(null);
      } else {
        setProblem(`Cannot reach Dockhand: ${error.message}`);
        setMe(null);
      }
    }
  };
  useEffect(() => {
    check();
    window.addEventListener(SIGNED_OUT, check);
    return () => window.removeEventListener(SIGNED_OUT, check);
  }, []);
  return { me, problem, check, setMe };
}

function useOnline() {
  const [online, setOnline] = useState(true);
  useEffect(() => live.onStatus(setOnline), []);
  return online;
}

function App() {
  const route = useRoute();
  const { me, problem, check, setMe } = useMe();
  const online = useOnline();
  const [everOnline, setEverOnline] = useState(false);

  useEffect(() => {
    if (!me) return undefined;
    live.start();
    keepSubscribed();
    const stopNotifying = startNotifying();
    const stopStatus = live.onStatus((up) => {
      if (up) {
        setEverOnline(true);
        outbox.flush();
      }
    });
    const flushOnline = () => outbox.flush();
    window.addEventListener("online", flushOnline);
    return () => {
      stopNotifying();
      stopStatus();
      window.removeEventListener("online", flushOnline);
      live.stop();
    };
  }, [me]);

  useEffect(() => {
    const screen =
      { task: "Task", new: "New task", users: "Users", environment: "Environment", usage: "Usage" }[route.name] || "Tasks";
    document.title = me ? `${screen} · Dockhand` : "Dockhand";
  }, [route, me]);

  if (route.name === "link") {
    return html`<${LinkSignIn} link=${route.link} onSignedIn=${check} />`;
  }
  if (me === undefined) {
    return html`<main class="page"><p class="muted" role="status">Loading…</p></main>`;
  }
  if (me === null) {
    return html`<${SignIn} problem=${problem} onSignedIn=${check} />`;
  }
  const leave = async () => {
    await unsubscribe();
    await signOut();
    outbox.clearAll();
    setMe(null);
    location.hash = "#/";
  };
  return html`
    <${Header} me=${me} route=${route} onSignOut=${leave} />
    ${!online &&
    html`<div class="banner offline" role="status">
      ${everOnline ? "Offline — reconnecting…" : "Connecting…"}
    </div>`}
    <main id="main" class="page" tabindex="-1">
      <${PushOffer} />
      ${route.name === "list" && html`<${TaskList} />`}
      ${route.name === "new" && html`<${NewTask} me=${me} />`}
      ${route.name === "task" && html`<${TaskView} id=${route.id} tab=${route.tab} online=${online} />`}
      ${route.name === "users" && html`<${Users} me=${me} />`}
      ${route.name === "usage" && html`<${Usage} me=${me} />`}
      ${route.name === "environment" && html`<${Environment} key=${`${route.owner}/${route.repo}`} owner=${route.owner} name=${route.repo} />`}
    </main>
  `;
}

function Header({ me, route, onSignOut }) {
  return html`
    <header class="topbar">
      <a class="skip" href="#main" onClick=${skipToMain}>Skip to content</a>
      ${route.name === "list"
        ? html`<a class="brand" href="#/" aria-label="Dockhand, all tasks">
            <img src="/icons/icon.svg" alt="" width="28" height="28" />
            <span>Dockhand</span>
          </a>`
        : html`<a class="back" href="#/" aria-label="Back to all tasks">
            <span aria-hidden="true">‹</span> Tasks
          </a>`}
      <div class="spacer"></div>
      ${route.name !== "new" && html`<a class="button primary small" href="#/new">New task</a>`}
      <details class="account">
        <summary aria-label=${`Account: ${me.login}`}>
          ${me.avatarUrl
            ? html`<img class="avatar" src=${me.avatarUrl} alt="" width="32" height="32" />`
            : html`<span class="avatar initial" aria-hidden="true">${me.login.slice(0, 1).toUpperCase()}</span>`}
        </summary>
        <div class="menu">
          <p><strong>${me.name || me.login}</strong><br /><span class="muted">${me.mode === "local" ? "local mode" : `@${me.login}`}</span></p>
          <a class="button block" href="#/usage" onClick=${closeMenu}>Usage</a>
          ${me.admin && html`<a class="button block" href="#/users" onClick=${closeMenu}>Users</a>`}
          <button type="button" class="button block" onClick=${onSignOut}>Sign out</button>
        </div>
      </details>
    </header>
  `;
}

function closeMenu(event) {
  event.currentTarget.closest("details")?.removeAttribute("open");
}

function skipToMain(event) {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

render(html`<${App} />`, document.getElementById("app"));

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
