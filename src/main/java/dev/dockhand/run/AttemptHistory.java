package dev.dockhand.run;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation a new attempt may build on. Each attempt starts from a fresh clone, so the
 * model's messages and tool calls of an attempt that was retried (its work died with its
 * workspace) are dropped, while everything the person said is kept. What an attempt that ended
 * (succeeded, failed, cancelled) did is kept whole: its work is on the task's pushed branch, which
 * a resumed attempt checks out.
 */
final class AttemptHistory {
  private AttemptHistory() {}

  static List<Event> of(List<Event> events) {
    List<Event> kept = new ArrayList<>();
    int settled = 0;
    for (Event event : events) {
      switch (event.kind()) {
        case MESSAGE_USER, MESSAGE_ASSISTANT, TOOL_CALL, TOOL_RESULT -> kept.add(event);
        case TASK_RETRYING ->
            kept.subList(settled, kept.size()).removeIf(e -> e.kind() != EventKind.MESSAGE_USER);
        case TASK_SUCCEEDED, TASK_FAILED, TASK_CANCELLED -> settled = kept.size();
        default -> {}
      }
    }
    return kept;
  }
}
