package dev.dockhand.push;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dockhand.Json;
import dev.dockhand.events.EventKind;
import dev.dockhand.queue.Task;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What the service worker shows: a title, a body naming the repository and the task, and where a
 * tap goes ({@code url}, relative to the app's origin). {@code tag} is the same for every message
 * of one task, so a newer one replaces the older on the device. Serialised as the push payload; it
 * holds no secret (the prompt's first line at most).
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record PushMessage(
    String title,
    String body,
    String url,
    String tag,
    String taskId,
    String repo,
    String outcome,
    Optional<String> prUrl) {
  private static final int PROMPT_CHARS = 80;
  private static final int REASON_CHARS = 140;

  /** The message for an event of {@code kind} (a task's end or a pull request) of {@code task}. */
  static Optional<PushMessage> of(EventKind kind, Task task, Optional<String> reason) {
    String outcome =
        switch (kind) {
          case TASK_SUCCEEDED -> "succeeded";
          case TASK_FAILED -> "failed";
          case TASK_CANCELLED -> "cancelled";
          case PR_OPENED -> "pr_opened";
          default -> "";
        };
    if (outcome.isEmpty()) {
      return Optional.empty();
    }
    String repo = Task.repoName(task.repo());
    String title =
        kind == EventKind.PR_OPENED ? "Pull request opened" : "Task " + outcome + " · " + repo;
    String body =
        (kind == EventKind.PR_OPENED ? repo + ": " : "")
            + cut(firstLine(task.prompt()), PROMPT_CHARS);
    if (kind == EventKind.TASK_FAILED && reason.isPresent() && !reason.get().isBlank()) {
      body += "\n" + cut(firstLine(reason.get()), REASON_CHARS);
    }
    return Optional.of(
        new PushMessage(
            title,
            body,
            "/#/tasks/" + task.id(),
            "dockhand-" + task.id(),
            task.id(),
            repo,
            outcome,
            task.prUrl()));
  }

  byte[] json() {
    try {
      return Json.MAPPER.writeValueAsString(this).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a push message is always JSON", e);
    }
  }

  /** RFC 8030 Topic: at most 32 base64url characters; one per task. */
  String topic() {
    String safe = taskId.replaceAll("[^A-Za-z0-9_-]", "");
    return safe.substring(0, Math.min(32, safe.length()));
  }

  private static String firstLine(String text) {
    String trimmed = text.strip();
    int end = trimmed.indexOf('\n');
    return end < 0 ? trimmed : trimmed.substring(0, end).strip();
  }

  private static String cut(String text, int max) {
    return text.codePointCount(0, text.length()) <= max
        ? text
        : text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }
}
