package dev.dockhand.queue;

import dev.dockhand.ConflictException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.store.DbClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Stores a new task: the checks a submission passes, its defaults, the per-person active-task limit
 * and its idempotency key, all in the insert's transaction. Thread-safe.
 */
final class Submissions {
  private final TaskTransitions transitions;
  private final QueueSettings settings;
  private final SubmitRules rules;
  private final ActiveTasks active;
  private final DbClock dbClock;

  Submissions(
      TaskTransitions transitions,
      QueueSettings settings,
      SubmitRules rules,
      ActiveTasks active,
      DbClock dbClock) {
    this.transitions = transitions;
    this.settings = settings;
    this.rules = rules;
    this.active = active;
    this.dbClock = dbClock;
  }

  static void validate(NewTask task, Optional<String> key) {
    if (task.maxTurns().isPresent() && task.maxTurns().get() < 1) {
      throw new InvalidInputException("maxTurns", "must be at least 1");
    }
    if (task.budgetUsd().isPresent() && !(task.budgetUsd().get() >= 0)) {
      throw new InvalidInputException("budgetUsd", "must not be negative");
    }
    if (key.isPresent() && (key.get().isBlank() || key.get().length() > 200)) {
      throw new InvalidInputException("Idempotency-Key", "must be 1 to 200 characters");
    }
  }

  /**
   * In the caller's write transaction: the task first stored under {@code key} if there is one
   * (another body under the same key is a {@link ConflictException}), else a new queued task.
   * Throws {@link KeyTakenMeanwhile} when another submit stored the key first.
   */
  Task insert(Handle handle, NewTask task, Optional<String> key, long now) {
    String requestHash = hash(TaskRows.json(task));
    // Taken before the idempotency lookup, so a repeat that raced its original finds it stored.
    active.lockUser(handle, task.userId());
    if (key.isPresent()) {
      Optional<Map<String, Object>> existing =
          handle
              .select(
                  "SELECT request_hash, task_id FROM idempotency_keys WHERE user_id = ? AND key ="
                      + " ?",
                  task.userId(),
                  key.get())
              .mapToMap()
              .findOne();
      if (existing.isPresent()) {
        if (!requestHash.equals(existing.get().get("request_hash"))) {
          throw new ConflictException(
              "Idempotency-Key " + key.get() + " was used for a different request");
        }
        return TaskRows.find(handle, (String) existing.get().get("task_id")).orElseThrow();
      }
    }
    active.requireRoom(handle, task.userId());
    Task queued = transitions.insertQueued(handle, columns(task, dbClock.millis(handle)));
    if (key.isPresent()) {
      int stored =
          handle.execute(
              "INSERT INTO idempotency_keys(user_id, key, request_hash, task_id, created_at)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
              task.userId(),
              key.get(),
              requestHash,
              queued.id(),
              now);
      if (stored == 0) {
        throw new KeyTakenMeanwhile();
      }
    }
    return queued;
  }

  /**
   * The new row, runnable from {@code runAfter} (by the database's clock, as claims judge it), with
   * the defaults of what the submission left out.
   */
  private Map<String, Object> columns(NewTask task, long runAfter) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("id", TaskIds.next());
    columns.put("run_after", runAfter);
    columns.put("user_id", task.userId());
    columns.put("max_attempts", settings.maxAttempts());
    columns.put("repo", task.repo());
    columns.put("branch", task.branch().orElse(null));
    columns.put("prompt", task.prompt());
    columns.put("model", task.model().orElse(rules.model()));
    columns.put("max_turns", task.maxTurns().orElse(rules.maxTurns()));
    columns.put("budget_usd", task.budgetUsd().orElse(rules.budgetUsd()));
    columns.put("egress_allow", TaskRows.json(task.egressAllow()));
    return columns;
  }

  /** SHA-256 of {@code text}, hex: what idempotency keys remember of a request. */
  static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rolls back a submit that lost the race for its idempotency key. */
  static final class KeyTakenMeanwhile extends RuntimeException {
    KeyTakenMeanwhile() {
      super(null, null, false, false);
    }
  }
}
