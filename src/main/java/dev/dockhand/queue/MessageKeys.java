package dev.dockhand.queue;

import dev.dockhand.ConflictException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Idempotency keys of follow-up messages. They live in the submit keys' table, stored as {@code
 * "message <task id> <key>"}: a submit's key cannot contain a space (the API refuses one), so the
 * two never meet, and the row points at the task the message went to.
 */
final class MessageKeys {
  private MessageKeys() {}

  /**
   * True when this key is new for the task (and is now taken); false when the same message was
   * already stored under it. The same key with other content is a conflict.
   */
  static boolean claim(Handle handle, String taskId, String key, String contentHash, long now) {
    String stored = "message " + taskId + " " + key;
    long userId =
        handle.select("SELECT user_id FROM tasks WHERE id = ?", taskId).mapTo(Long.class).one();
    Optional<String> earlier =
        handle
            .select(
                "SELECT request_hash FROM idempotency_keys WHERE user_id = ? AND key = ?",
                userId,
                stored)
            .mapTo(String.class)
            .findOne();
    if (earlier.isPresent()) {
      if (!earlier.get().equals(contentHash)) {
        throw new ConflictException("Idempotency-Key " + key + " was used for a different message");
      }
      return false;
    }
    // A concurrent twin that committed first makes this insert a no-op: it stored the message.
    return handle.execute(
            "INSERT INTO idempotency_keys(user_id, key, request_hash, task_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            userId,
            stored,
            contentHash,
            taskId,
            now)
        == 1;
  }
}
