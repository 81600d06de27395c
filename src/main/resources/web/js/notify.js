// A system notification when a task the person is watching ends while the page is hidden (push.js
// covers the app being closed; both use the task's tag, so one replaces the other). Permission is
// offered once, after the first task submitted — never on load.

import { live } from "./live.js";
import { TERMINAL, repoName, firstLine } from "./format.js";
import { offerPush } from "./push.js";

const watched = new Set();
const told = new Set();

export function watch(taskId) {
  watched.add(taskId);
}

export function askPermission() {
  offerPush();
}

export function startNotifying() {
  return live.onTasks((task) => {
    const once = `${task.id}:${task.attempt}:${task.status}`;
    if (!TERMINAL.has(task.status) || !watched.has(task.id) || told.has(once)) return;
    if (document.visibilityState !== "hidden") return;
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    told.add(once);
    show(`Task ${task.status} · ${repoName(task.repo)}`, {
      body: firstLine(task.prompt, 80),
      tag: `dockhand-${task.id}`,
      icon: "/icons/icon-192.png",
      data: { url: `/#/tasks/${task.id}` },
    });
  });
}

// Android's Chrome only shows notifications through the service worker.
async function show(title, options) {
  const registration = await navigator.serviceWorker?.getRegistration();
  if (registration) {
    await registration.showNotification(title, options);
    return;
  }
  const notification = new Notification(title, options);
  notification.onclick = () => {
    window.focus();
    location.hash = options.data.url.slice(2);
  };
}
