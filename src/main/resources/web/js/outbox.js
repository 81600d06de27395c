// Follow-ups wait here until the server has them. Each keeps the Idempotency-Key it was given
// when typed, so a send repeated after a lost answer is stored once. Kept in localStorage so a
// follow-up typed offline survives closing the page.

import { api, ApiError, NetworkError, newKey } from "./api.js";

const KEY = "dockhand.outbox";
const listeners = new Set();
const refusals = new Set();
let flushing = null;

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || [];
  } catch {
    return [];
  }
}

function write(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
  listeners.forEach((listener) => listener(items));
}

export function pending(taskId) {
  return read().filter((item) => item.taskId === taskId);
}

export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Hears of follow-ups the server refused (listener gets the item and the ApiError). */
export function onRefused(listener) {
  refusals.add(listener);
  return () => refusals.delete(listener);
}

/** Queues a follow-up and tries to send it at once. */
export function enqueue(taskId, content) {
  write([...read(), { key: newKey(), taskId, content, at: Date.now() }]);
  return flush();
}

/**
 * Sends what waits, oldest first, one at a time; a network failure leaves the rest for the next
 * flush, a refusal (4xx) drops the message and reports it. Concurrent calls share one run.
 */
export function flush() {
  if (!flushing) {
    flushing = sendAll().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

async function sendAll() {
  for (let item = read()[0]; item; item = read()[0]) {
    try {
      await api.message(item.taskId, item.content, item.key);
    } catch (error) {
      const retryLater =
        error instanceof NetworkError ||
        (error instanceof ApiError && (error.status >= 500 || [401, 408, 429].includes(error.status)));
      if (retryLater) return;
      refusals.forEach((listener) => listener(item, error));
    }
    write(read().filter((other) => other.key !== item.key));
  }
}

export function clearAll() {
  write([]);
}
