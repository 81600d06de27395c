package dev.dockhand.run;

import static dev.dockhand.events.EventKind.CHECKS_FINISHED;
import static dev.dockhand.events.EventKind.MESSAGE_ASSISTANT;
import static dev.dockhand.events.EventKind.MESSAGE_USER;
import static dev.dockhand.events.EventKind.TASK_QUEUED;
import static dev.dockhand.events.EventKind.TASK_RETRYING;
import static dev.dockhand.events.EventKind.TASK_STARTED;
import static dev.dockhand.events.EventKind.TASK_SUCCEEDED;
import static dev.dockhand.events.EventKind.TOOL_CALL;
import static dev.dockhand.events.EventKind.TOOL_RESULT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Json;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventLog;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Lease;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.queue.QueueFixture;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskResult;
import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptHistoryTest {
  private final AttemptHistory history = new AttemptHistory();
  private int seq;

  private void add(EventKind kind, String label) {
    history.accept(
        new Event(
            "t", ++seq, kind, Json.MAPPER.createObjectNode().put("label", label), Instant.EPOCH));
  }

  private List<String> kept() {
    return history.events().stream().map(event -> event.data().path("label").asText()).toList();
  }

  @Test
  void aRetriedAttemptsModelWorkIsDroppedButWhatThePersonSaidIsKept() {
    add(TASK_QUEUED, "queued");
    add(TASK_STARTED, "start 1");
    add(MESSAGE_USER, "prompt");
    add(MESSAGE_ASSISTANT, "plan 1");
    add(TOOL_CALL, "call 1");
    add(MESSAGE_USER, "follow-up");
    add(TOOL_RESULT, "result 1");
    add(TASK_RETRYING, "retry");
    add(TASK_STARTED, "start 2");

    assertThat(kept()).containsExactly("prompt", "follow-up");
  }

  @Test
  void aCompactionOfAFinishedAttemptIsKeptForAResumeAndOneOfARetriedAttemptIsDropped() {
    add(MESSAGE_USER, "prompt");
    add(MESSAGE_ASSISTANT, "long work");
    add(EventKind.CONTEXT_COMPACTED, "compacted 1");
    add(TASK_SUCCEEDED, "succeeded");
    add(MESSAGE_USER, "one more thing");
    add(MESSAGE_ASSISTANT, "more work");
    add(EventKind.CONTEXT_COMPACTED, "compacted 2");
    add(TASK_RETRYING, "retry");

    assertThat(kept()).containsExactly("prompt", "long work", "compacted 1", "one more thing");
  }

  @Test
  void aFinishedAttemptIsKeptWholeForAResumeAndOnlyTheLaterRetryIsDropped() {
    add(MESSAGE_USER, "prompt");
    add(MESSAGE_ASSISTANT, "done 1");
    add(TASK_SUCCEEDED, "succeeded");
    add(MESSAGE_USER, "one more thing");
    add(TASK_STARTED, "start 2");
    add(MESSAGE_ASSISTANT, "half-way");
    add(TASK_RETRYING, "retry");

    assertThat(kept()).containsExactly("prompt", "done 1", "one more thing");
  }

  @Test
  void checksRunsGoOnCountingAcrossARetryAndStartAfreshOnceTheTaskEnded() {
    add(TASK_STARTED, "start 1");
    add(MESSAGE_USER, "prompt");
    add(CHECKS_FINISHED, "run 1");
    add(MESSAGE_USER, "the checks failed");
    assertThat(history.checksRuns()).isEqualTo(1);

    add(TASK_RETRYING, "retry");
    add(TASK_STARTED, "start 2");
    add(CHECKS_FINISHED, "run 2");
    assertThat(history.checksRuns()).as("a retry after a crash mid-round").isEqualTo(2);
    assertThat(kept()).containsExactly("prompt", "the checks failed");

    add(TASK_SUCCEEDED, "succeeded");
    add(MESSAGE_USER, "one more thing");
    assertThat(history.checksRuns()).as("a follow-up is new work").isZero();
  }

  @Test
  void aRetriedTaskWithALogOfManyPagesIsRebuiltFromThePagedReaderOnSqlite(@TempDir Path dir) {
    rebuildsAcrossPages(TestDatabases.sqliteUrl(dir), dir);
  }

  @Test
  @Tag("postgres")
  void aRetriedTaskWithALogOfManyPagesIsRebuiltFromThePagedReaderOnPostgres(@TempDir Path dir) {
    rebuildsAcrossPages(TestDatabases.freshPostgresUrl(), dir);
  }

  /**
   * Attempt 1 writes more than three pages of work and is retried; attempt 2 writes another page
   * and succeeds; a follow-up resumes the task. The history keeps what the person said in attempt 1
   * and all of attempt 2, in order, read {@link EventLog#MAX_PAGE} events at a time.
   */
  private static void rebuildsAcrossPages(String url, Path dir) {
    ManualClock clock = new ManualClock();
    try (QueueFixture node = new QueueFixture(url, dir, QueueFixture.settings(4, 4, 3), clock)) {
      Task task = node.submit(node.user("ann"), "build it");
      List<Long> expected = new ArrayList<>();

      Lease first = lease(node.leases().claim("node-a", 1).getFirst());
      List<Long> firstSeqs = append(node, task, work(MESSAGE_USER, "build it", 1200, "step"));
      expected.add(firstSeqs.getFirst());
      expected.addAll(append(node, task, List.of(Map.entry(MESSAGE_USER, "and add tests"))));
      append(node, task, work(MESSAGE_ASSISTANT, "more", 300, "late step"));
      node.leases().retry(first, "model_overloaded", "overloaded", Usage.ZERO, Map.of());
      clock.advance(Duration.ofHours(1));

      Lease second = lease(node.leases().claim("node-a", 1).getFirst());
      expected.addAll(append(node, task, work(MESSAGE_ASSISTANT, "again", 400, "redo")));
      node.leases().complete(second, TaskResult.NOTHING, Usage.ZERO, Map.of());
      node.queue.postMessage(task.id(), "one more thing");
      expected.add(node.eventLog.all(task.id()).reversed().get(1).seq()); // before task.queued

      assertThat(node.eventLog.all(task.id())).hasSizeGreaterThan(4 * EventLog.MAX_PAGE);
      List<Event> rebuilt = AttemptHistory.of(node.eventLog, task.id());
      assertThat(rebuilt).extracting(Event::seq).containsExactlyElementsOf(expected);
      assertThat(rebuilt.getLast().data().path("content").asText()).isEqualTo("one more thing");
    }
  }

  private static Lease lease(Task claimed) {
    return new Lease(claimed.id(), claimed.leaseOwner().orElseThrow(), claimed.attempt());
  }

  /** {@code first}, then {@code steps} rounds of assistant message, tool call and tool result. */
  private static List<Map.Entry<EventKind, String>> work(
      EventKind kind, String first, int steps, String label) {
    List<Map.Entry<EventKind, String>> events = new ArrayList<>();
    events.add(Map.entry(kind, first));
    for (int i = 0; i < steps; i++) {
      events.add(Map.entry(MESSAGE_ASSISTANT, label + " " + i));
      events.add(Map.entry(TOOL_CALL, "call " + i));
      events.add(Map.entry(TOOL_RESULT, "result " + i));
    }
    return events;
  }

  /**
   * Stores the events in one transaction, taking their seqs from the task row once: thousands of
   * commits would take a minute, and thousands of updates of one row in one PostgreSQL transaction
   * nearly as long.
   */
  private static List<Long> append(
      QueueFixture node, Task task, List<Map.Entry<EventKind, String>> events) {
    return node.database.write(
        handle -> {
          long last =
              handle
                  .select("SELECT last_seq FROM tasks WHERE id = ?", task.id())
                  .mapTo(Long.class)
                  .one();
          List<Long> seqs = new ArrayList<>();
          for (Map.Entry<EventKind, String> event : events) {
            long seq = last + seqs.size() + 1;
            EventPayload payload = labelled(event.getKey(), event.getValue());
            node.eventLog.insertTaken(handle, task.id(), seq, payload, Instant.EPOCH);
            seqs.add(seq);
          }
          handle.execute(
              "UPDATE tasks SET last_seq = ? WHERE id = ?", last + seqs.size(), task.id());
          return seqs;
        });
  }

  private static EventPayload labelled(EventKind kind, String label) {
    return switch (kind) {
      case MESSAGE_USER -> new EventPayload.UserMessage(label);
      case MESSAGE_ASSISTANT ->
          new EventPayload.AssistantMessage(Json.MAPPER.createArrayNode(), label, Usage.ZERO);
      case TOOL_CALL -> new EventPayload.ToolCall(label, "bash", null);
      case TOOL_RESULT -> new EventPayload.ToolResult(label, label, false, 1);
      default -> throw new IllegalArgumentException("no labelled " + kind.wire());
    };
  }
}
