// Service worker: keeps the app's shell (HTML, CSS, scripts, icons) so it opens without a
// network. Never caches the API, the login routes or anything else: those always go to the server.
// Shell files are fetched from the network first, so a new version shows as soon as it is online.

const CACHE = "dockhand-shell-v4";
const SHELL = [
  "/",
  "/index.html",
  "/app.css",
  "/environment.css",
  "/manifest.webmanifest",
  "/icons/icon.svg",
  "/icons/icon-192.png",
  "/js/app.js",
  "/js/api.js",
  "/js/checks.js",
  "/js/conversation.js",
  "/js/diffview.js",
  "/js/environment.js",
  "/js/envvars.js",
  "/js/format.js",
  "/js/html.js",
  "/js/items.js",
  "/js/live.js",
  "/js/newtask.js",
  "/js/notify.js",
  "/js/outbox.js",
  "/js/push.js",
  "/js/scroll.js",
  "/js/setup.js",
  "/js/signin.js",
  "/js/tasklist.js",
  "/js/taskview.js",
  "/js/usage.js",
  "/js/users.js",
  "/vendor/preact.js",
  "/vendor/hooks.js",
  "/vendor/htm.js",
];
const SHELL_PATHS = new Set(SHELL);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const path = request.mode === "navigate" && url.pathname === "/" ? "/" : url.pathname;
  if (!SHELL_PATHS.has(path)) return; // the API and everything else: straight to the network
  event.respondWith(networkFirst(request, path));
});

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(path, response.clone());
    return response;
  } catch (offline) {
    const cached = await cache.match(path);
    if (cached) return cached;
    throw offline;
  }
}

// A Web Push message from the server (push/PushMessage): {title, body, url, tag, …}. Every push is
// shown; the tag is the task's, so a newer message about a task replaces the older one.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { title: "Dockhand", body: event.data?.text() || "" };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "Dockhand", {
      body: message.body || "",
      tag: message.tag,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url: sameOrigin(message.url), taskId: message.taskId },
    }),
  );
});

/** Only a path on this origin may be opened from a notification. */
function sameOrigin(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.pathname + target.search + target.hash : "/";
  } catch {
    return "/";
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) return open.navigate(target).then((client) => (client || open).focus());
      return self.clients.openWindow(target);
    }),
  );
});
