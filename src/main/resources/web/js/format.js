// Small text helpers shared by the views.

export const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

export function repoName(url) {
  if (!url) return "";
  const trimmed = url.replace(/\.git$/, "").replace(/\/+$/, "");
  const parts = trimmed.split(/[/:]/).filter(Boolean);
  return parts.length >= 2 ? `${parts[parts.length - 2]}/${parts[parts.length - 1]}` : trimmed;
}

const OWNER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9_.-]+$/;

/** The page of a repository's environment (repo: owner/name or a clone URL), or null for none. */
export function environmentHref(repo) {
  const name = repoName((repo || "").trim());
  if (!OWNER_NAME.test(name)) return null;
  const [owner, rest] = name.split("/");
  return `#/repos/${encodeURIComponent(owner)}/${encodeURIComponent(rest)}/environment`;
}

export function firstLine(text, max = 120) {
  const line = (text || "").trim().split("\n")[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function age(iso, now = Date.now()) {
  if (!iso) return "";
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return new Date(iso).toLocaleDateString();
}

export function cost(usd) {
  if (usd === undefined || usd === null) return "";
  if (usd === 0) return "$0";
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function tokens(usage) {
  if (!usage) return 0;
  return (
    (usage.inputTokens || 0) +
    (usage.outputTokens || 0) +
    (usage.cacheReadTokens || 0) +
    (usage.cacheWriteTokens || 0)
  );
}

export function count(n) {
  return new Intl.NumberFormat().format(n);
}

export function duration(ms) {
  if (ms === undefined || ms === null) return "";
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
