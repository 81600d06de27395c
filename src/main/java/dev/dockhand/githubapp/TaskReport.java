package dev.dockhand.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventLog;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskStatus;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The text a request's comment is edited to when its task ends: the agent's last words, the checks'
 * result and the cost, the pull request; or why the task failed. Stateless but for the log.
 */
final class TaskReport {
  private static final int MAX_SUMMARY = 4000;

  private final EventLog events;

  TaskReport(EventLog events) {
    this.events = events;
  }

  String of(Task task, String link) {
    StringBuilder text = new StringBuilder();
    AtomicReference<String> summary = new AtomicReference<>("");
    AtomicReference<String> checks = new AtomicReference<>("");
    events.forEach(
        task.id(),
        event -> {
          switch (event.kind().wire()) {
            case "message.assistant" -> {
              String said = text(event);
              if (!said.isBlank()) {
                summary.set(said);
              }
            }
            case "checks.finished" -> checks.set(checks(event.data()));
            default -> {}
          }
        });
    String cost = String.format(Locale.ROOT, "$%.2f", task.usage().costUsd());
    if (task.status() == TaskStatus.SUCCEEDED) {
      text.append("✅ Done ([task ").append(task.id()).append("](").append(link).append(")).\n\n");
      String said = summary.get().strip();
      text.append(said.isEmpty() ? "The agent left no summary." : cut(said)).append("\n\n");
    } else {
      String why = task.error().map(Task.TaskError::message).orElse("no reason was recorded");
      text.append(task.status() == TaskStatus.CANCELLED ? "⏹️ Cancelled" : "❌ Failed")
          .append(" ([task ")
          .append(task.id())
          .append("](")
          .append(link)
          .append(")): ")
          .append(cut(why))
          .append("\n\n");
    }
    if (!checks.get().isEmpty()) {
      text.append("**Checks:** ").append(checks.get()).append("  \n");
    }
    task.prUrl().ifPresent(url -> text.append("**Pull request:** ").append(url).append("  \n"));
    text.append("**Cost:** ").append(cost).append('\n');
    return text.toString();
  }

  private static String text(Event event) {
    StringBuilder said = new StringBuilder();
    for (JsonNode block : event.data().path("content")) {
      if (block.path("type").asText("").equals("text")) {
        said.append(block.path("text").asText(""));
      }
    }
    return said.toString();
  }

  private static String checks(JsonNode data) {
    String command = data.path("command").asText("");
    boolean passed = data.path("exitCode").asInt(-1) == 0;
    return (passed ? "passed" : "failed (exit " + data.path("exitCode").asInt() + ")")
        + (command.isEmpty() ? "" : " — `" + command.replace("`", "'") + "`");
  }

  private static String cut(String text) {
    return text.length() <= MAX_SUMMARY ? text : text.substring(0, MAX_SUMMARY) + "…";
  }
}
