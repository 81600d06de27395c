package dev.dockhand.web;

import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Tasks as they look once finished, written into the tasks table for usage reports: the day they
 * were submitted, how they ended and what they cost.
 */
public final class UsageFixture {
  private final WebHarness harness;

  public UsageFixture(WebHarness harness) {
    this.harness = harness;
  }

  /** A task of {@code owner} submitted at noon UTC on {@code day}. */
  public Task add(
      WebHarness.Person owner,
      LocalDate day,
      String repo,
      String model,
      String status,
      double costUsd,
      long inputTokens,
      long outputTokens) {
    Task task = harness.submit(owner);
    long at = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
    String usage =
        dev.dockhand.Json.MAPPER
            .valueToTree(new Usage(inputTokens, outputTokens, 0, 0, costUsd))
            .toString();
    harness
        .database()
        .write(
            handle ->
                handle.execute(
                    "UPDATE tasks SET repo = ?, model = ?, created_at = ?, usage_json = ? WHERE id = ?",
                    "https://github.com/" + repo + ".git",
                    model,
                    at,
                    usage,
                    task.id()));
    finish(task, status);
    return task;
  }

  /**
   * Cancels through the queue; succeeded and failed are written straight into the row as a finished
   * attempt leaves it, since only a running attempt (a container and a model) ends so.
   */
  private void finish(Task task, String status) {
    if (status.equals("cancelled")) {
      harness.queue().cancel(task.id());
      return;
    }
    harness
        .database()
        .write(
            handle ->
                handle.execute(
                    "UPDATE tasks SET status = ?, finished_at = created_at WHERE id = ?",
                    status,
                    task.id()));
  }
}
