package dev.dockhand.run;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptHistoryTest {
  private final List<Event> log = new ArrayList<>();

  private void add(EventKind kind, String label) {
    log.add(
        new Event("t", log.size() + 1, kind, Json.MAPPER.createObjectNode().put("label", label), Instant.EPOCH));
  }

  private List<String> kept() {
    return AttemptHistory.of(log).stream().map(event -> event.data().path("label").asText()).toList();
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
}
