package dev.dockhand.testkit;

import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Running tasks as the dispatcher hands them over, for tests of the parts it calls. */
public final class TestTasks {
  private TestTasks() {}

  public static Task running(String prompt) {
    return running(prompt, 50, 5.0);
  }

  public static Task running(String prompt, int maxTurns, double budgetUsd) {
    return running(prompt, maxTurns, budgetUsd, "claude-sonnet-4-5");
  }

  /** The same, asking for {@code model}. */
  public static Task running(String prompt, int maxTurns, double budgetUsd, String model) {
    Instant now = Instant.now();
    return new Task(
        UUID.randomUUID().toString(),
        1,
        TaskStatus.RUNNING,
        1,
        3,
        "github.com/acme/widgets",
        Optional.of("main"),
        prompt,
        model,
        maxTurns,
        budgetUsd,
        List.of(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Usage.ZERO,
        Map.of(),
        Optional.empty(),
        now,
        Optional.of(now),
        Optional.empty(),
        now,
        now,
        Optional.of("test-node"),
        Optional.of(now.plusSeconds(60)),
        Optional.empty());
  }
}
