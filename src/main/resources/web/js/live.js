// The realtime connection (DESIGN, "WebSocket protocol"). One socket for the whole app; it
// reconnects by itself and, for each task followed, asks for the events after the last seq it
// has seen, so a network drop loses nothing and nothing arrives twice.

import { storedToken } from "./api.js";

const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;
const MAX_BACKOFF_MS = 15_000;

class Live {
  constructor() {
    this.socket = null;
    this.online = false;
    this.retries = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    this.wanted = false;
    this.taskTopic = new Set(); // listeners of {"type":"task"} frames
    this.followers = new Map(); // taskId -> {lastSeq, listeners:Set}
    this.statusListeners = new Set();
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.socket?.close());
  }

  /** Starts (or keeps) the connection; call after sign-in. */
  start() {
    this.wanted = true;
    if (!this.socket) this.connect();
  }

  /** Closes for good (sign-out). */
  stop() {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
    this.followers.clear();
    this.taskTopic.clear();
  }

  onStatus(listener) {
    this.statusListeners.add(listener);
    listener(this.online);
    return () => this.statusListeners.delete(listener);
  }

  onTasks(listener) {
    this.taskTopic.add(listener);
    if (this.taskTopic.size === 1) this.send({ type: "subscribe", topic: "tasks" });
    return () => this.taskTopic.delete(listener);
  }

  /**
   * Follows one task: listener gets {type:"event"|"delta", …} frames in seq order, starting after
   * `after`. Returns the function that stops following.
   */
  follow(taskId, after, listener) {
    let follower = this.followers.get(taskId);
    if (!follower) {
      follower = { lastSeq: after, listeners: new Set() };
      this.followers.set(taskId, follower);
      this.send({ type: "subscribe", taskId, after });
    }
    follower.listeners.add(listener);
    return () => {
      follower.listeners.delete(listener);
      if (follower.listeners.size === 0 && this.followers.get(taskId) === follower) {
        this.followers.delete(taskId);
        this.send({ type: "unsubscribe", taskId });
      }
    };
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const token = storedToken();
    const protocols = token ? ["dockhand", `dockhand.bearer.${token}`] : ["dockhand"];
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}/api/v1/ws`, protocols);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = (message) => this.received(message.data);
    socket.onclose = () => this.closed(socket);
  }

  opened(socket) {
    if (socket !== this.socket) return;
    this.retries = 0;
    this.setOnline(true);
    if (this.taskTopic.size > 0) this.send({ type: "subscribe", topic: "tasks" });
    for (const [taskId, follower] of this.followers) {
      this.send({ type: "subscribe", taskId, after: follower.lastSeq });
    }
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
  }

  /** A connection can die without a close (a phone changing networks): a missed pong ends it. */
  ping() {
    this.send({ type: "ping" });
    clearTimeout(this.pongTimer);
    const socket = this.socket;
    this.pongTimer = setTimeout(() => socket?.close(), PONG_WITHIN_MS);
  }

  received(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    switch (frame.type) {
      case "pong":
        clearTimeout(this.pongTimer);
        break;
      case "task":
        this.taskTopic.forEach((listener) => listener(frame.task));
        break;
      case "event": {
        const follower = this.followers.get(frame.taskId);
        if (!follower || frame.seq <= follower.lastSeq) return;
        follower.lastSeq = frame.seq;
        follower.listeners.forEach((listener) => listener(frame));
        break;
      }
      case "delta":
        this.followers.get(frame.taskId)?.listeners.forEach((listener) => listener(frame));
        break;
      case "error":
        console.warn("dockhand live:", frame.code, frame.message);
        break;
      default:
        break;
    }
  }

  closed(socket) {
    if (socket !== this.socket) return;
    this.socket = null;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.setOnline(false);
    if (this.wanted) this.scheduleReconnect();
  }

  scheduleReconnect() {
    clearTimeout(this.retryTimer);
    const ceiling = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.retries++);
    this.retryTimer = setTimeout(() => this.connect(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  reconnectNow() {
    if (!this.wanted || this.socket) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  setOnline(online) {
    if (this.online === online) return;
    this.online = online;
    this.statusListeners.forEach((listener) => listener(online));
  }
}

export const live = new Live();
