package dev.dockhand.run;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The conversation a new attempt may build on. Each attempt starts from a fresh clone, so the
 * model's messages and tool calls of an attempt that was retried (its work died with its workspace)
 * are dropped, while everything the person said is kept. What an attempt that ended (succeeded,
 * failed, cancelled) did is kept whole: its work is on the task's pushed branch, which a resumed
 * attempt checks out.
 *
 * <p>It is built from the log as a stream, one event at a time, so only the events it keeps are
 * held (never the whole log beside them); the log's cap per task bounds even those. Not
 * thread-safe: one attempt builds it on one thread.
 */
final class AttemptHistory implements Consumer<Event> {
  private final List<Event> kept = new ArrayList<>();
  private int settled;
  private int checksRuns;

  /** The history of {@code taskId}, read from its log page by page. */
  static List<Event> of(EventLog eventLog, String taskId) {
    return read(eventLog, taskId).events();
  }

  /** The same, with what else the log says of the work under way ({@link #checksRuns()}). */
  static AttemptHistory read(EventLog eventLog, String taskId) {
    AttemptHistory history = new AttemptHistory();
    eventLog.forEach(taskId, history);
    return history;
  }

  /**
   * Takes the log's next event, oldest first. Only its kind matters here, so the switch is over the
   * kind (exhaustive: a new kind must be placed) and the data is read once, by the conversation.
   */
  @Override
  public void accept(Event event) {
    switch (event.kind()) {
      case MESSAGE_USER, MESSAGE_ASSISTANT, TOOL_CALL, TOOL_RESULT, CONTEXT_COMPACTED ->
          kept.add(event);
      case TASK_RETRYING ->
          kept.subList(settled, kept.size()).removeIf(e -> e.kind() != EventKind.MESSAGE_USER);
      case TASK_SUCCEEDED, TASK_FAILED, TASK_CANCELLED -> {
        settled = kept.size();
        checksRuns = 0;
      }
      case CHECKS_FINISHED -> checksRuns++;
      case TASK_QUEUED, TASK_STARTED, GIT_PUSHED, PR_OPENED, NETWORK_BLOCKED -> {}
      case SETUP_STARTED, SETUP_FINISHED -> {}
    }
  }

  /**
   * How often the checks ran since the task last ended: the rounds its current work has had. A
   * retried attempt (its predecessor died mid-round) goes on counting; a follow-up starts afresh.
   */
  int checksRuns() {
    return checksRuns;
  }

  /** What is kept of the events taken so far, oldest first. */
  List<Event> events() {
    return kept;
  }
}
