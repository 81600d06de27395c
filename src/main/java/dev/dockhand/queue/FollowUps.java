package dev.dockhand.queue;

import dev.dockhand.ConflictException;
import org.jdbi.v3.core.Handle;

/** The cap on follow-up messages per task, counted on the task row ({@code follow_ups}). */
final class FollowUps {
  private FollowUps() {}

  /**
   * Counts one more follow-up of the task in the caller's transaction, or refuses it when the task
   * has had {@code max}; a missing task is left for the caller to report.
   */
  static void count(Handle handle, String taskId, int max) {
    int counted =
        handle.execute(
            "UPDATE tasks SET follow_ups = follow_ups + 1 WHERE id = ? AND follow_ups < ?",
            taskId,
            max);
    if (counted == 0 && TaskRows.find(handle, taskId).isPresent()) {
      throw new ConflictException(
          "this task has taken "
              + max
              + " follow-up messages, the most one task may ("
              + SubmitRules.MAX_MESSAGES_PER_TASK
              + "); start a new task to go on");
    }
  }
}
