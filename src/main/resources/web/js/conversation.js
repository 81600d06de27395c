// The conversation as events arrive: a reducer from the task's event log (plus live deltas of
// the model's text and the setup's output) to the items the task view shows.

import { finishSetup, startSetup, stopSetup, withOutput } from "./setup.js";
import { afterFailedChecks, checksOutput, finishChecks, stopChecks } from "./checks.js";

// blocked: the hosts the sandbox's proxy refused, by "host:port", in the order first seen.
// setupOutput: the running setup's live output (its end, see setup.js); setupCut: its start dropped.
// checksOutput, checksCut: the same for the running checks (checks.js).
export const initialConversation = {
  items: [], tools: {}, streaming: "", lastSeq: 0, blocked: {}, setupOutput: "", setupCut: false,
  checksOutput: "", checksCut: false,
};

/** Kinds that end an attempt: a setup or checks still shown as running have stopped. */
const ATTEMPT_ENDS = new Set(["task.started", "task.retrying", "task.succeeded", "task.failed", "task.cancelled"]);

export function conversationReducer(state, frame) {
  if (frame.type === "reset") return initialConversation;
  if (frame.type === "delta") return withDelta(state, frame);
  if (frame.type !== "event" || frame.seq <= state.lastSeq) return state;
  const moved = { ...state, lastSeq: frame.seq };
  const next = ATTEMPT_ENDS.has(frame.kind) ? stopChecks(stopSetup(moved)) : moved;
  const data = frame.data || {};
  const add = (item) => ({ ...next, items: [...next.items, { seq: frame.seq, at: frame.at, ...item }] });
  switch (frame.kind) {
    case "message.user":
      if (!data.synthetic) return add({ type: "user", text: data.content });
      return afterFailedChecks(next)
        ? add({ type: "system", tone: "warn", text: "Gave the agent the checks' failure to fix" })
        : add({ type: "system", text: "Asked the model to continue" });
    case "message.assistant": {
      const text = (data.content || [])
        .filter((block) => block.type === "text" && block.text)
        .map((block) => block.text)
        .join("\n\n");
      const settled = { ...next, streaming: "" };
      return text
        ? { ...settled, items: [...settled.items, { seq: frame.seq, type: "assistant", text }] }
        : settled;
    }
    case "tool.call":
      return {
        ...add({ type: "tool", id: data.id }),
        tools: { ...next.tools, [data.id]: { name: data.name, input: data.input || {}, result: null } },
      };
    case "tool.result": {
      const call = next.tools[data.id];
      if (!call) return next;
      return { ...next, tools: { ...next.tools, [data.id]: { ...call, result: data } } };
    }
    case "network.blocked": {
      // Counts are cumulative per host and port: the latest event is the whole story.
      const where = hostPort(data.host, data.port);
      return { ...next, blocked: { ...next.blocked, [where]: { host: String(data.host ?? ""), port: data.port, count: data.count ?? 1 } } };
    }
    case "setup.started":
      return startSetup(next, frame);
    case "setup.finished":
      return finishSetup(next, frame);
    case "context.compacted":
      return add({ type: "system", tone: "compacted", text: compactedText(data) });
    case "checks.finished":
      return finishChecks(next, frame);
    case "task.queued":
      return add({ type: "system", text: "Queued" });
    case "task.started":
      return add({ type: "system", text: `Attempt ${data.attempt ?? ""} started`, attemptStart: true });
    case "task.retrying":
      return add({ type: "system", tone: "warn", text: `Will retry (attempt ${data.attempt}): ${data.reason || "a passing failure"}` });
    case "git.pushed":
      return add({ type: "system", text: `Pushed ${data.branch}${data.commit ? ` at ${String(data.commit).slice(0, 7)}` : ""}` });
    case "pr.opened":
      return add({ type: "system", text: "Opened a pull request", link: data.url });
    case "task.succeeded":
      return add({ type: "system", tone: "good", text: "Succeeded", end: true, ...(data.reason ? { detail: data.reason } : {}) });
    case "task.failed":
      return add({ type: "system", tone: "bad", text: "Failed", detail: data.reason, code: data.code, end: true });
    case "task.cancelled":
      return add({ type: "system", tone: "warn", text: "Cancelled", detail: data.reason, end: true });
    default:
      return next;
  }
}

/**
 * The model's text (stream "text", or none from an older server) streams into its bubble; setup
 * output into the running setup's item, checks output into the running checks' item.
 */
function withDelta(state, frame) {
  const stream = frame.stream ?? "text";
  if (stream === "text") return { ...state, streaming: state.streaming + (frame.text ?? "") };
  if (stream === "setup") return withOutput(state, frame.text ?? "");
  if (stream === "checks") return checksOutput(state, frame.text ?? "");
  return state;
}

/**
 * The marker where the model's context was made smaller: the log above it is whole, the model
 * works from the summary (or without the old tool output) from here on.
 */
export function compactedText(data) {
  const how = {
    clear_tool_uses: "Old tool results cleared from the model's context",
    summarize: "Earlier turns summarised to fit the model's context",
  }[data.strategy] ?? "Context compacted";
  const tokens = (n) => Number(n ?? 0).toLocaleString("en-US");
  return `${how} (${tokens(data.tokensBefore)} → ${tokens(data.tokensAfter)} tokens)`;
}

/** "host:port", with an IPv6 address in brackets. */
export function hostPort(host, port) {
  const name = String(host ?? "");
  return `${name.includes(":") ? `[${name}]` : name}:${port}`;
}

/** What a tool call did, in one line: the command for bash, the action and path for edits. */
export function toolSummary(name, input) {
  if (name === "bash") return input.restart ? "restart the shell" : `$ ${input.command ?? ""}`;
  if (input.command && input.path) return `${input.command} ${input.path}`;
  return name;
}

/** The edit a text-editor call makes, as lines of a small diff. */
export function toolEdit(input) {
  const lines = (text, sign) => (text ?? "").split("\n").map((line) => ({ sign, line }));
  switch (input.command) {
    case "create":
      return lines(input.file_text, "+");
    case "str_replace":
      return [...lines(input.old_str, "-"), ...lines(input.new_str, "+")];
    case "insert":
      return lines(input.new_str ?? input.insert_text, "+");
    default:
      return [];
  }
}
