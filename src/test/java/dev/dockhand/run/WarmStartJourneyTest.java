package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ScriptedTurn;
import dev.dockhand.testkit.ServerHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A warm start seen from outside: the first model request goes out while the environment is still
 * being set up, its tool call runs only once the container is ready, and the repository's
 * CLAUDE.md, read from the host's own clone, joins the system prompt as soon as it is known.
 */
@Tag("docker")
class WarmStartJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void theFirstModelTurnRunsWhileSetupRunsAndItsToolCallWaitsForTheContainer() throws Exception {
    harness.git.createRepo(
        "acme/widgets",
        Map.of(
            "README.md", "# Widgets\n",
            ".gitignore", ".go\n.ready\n",
            "CLAUDE.md", "Run `make check` before you finish.\n"));
    // The setup waits for a file only this test writes, so it is still running for as long as the
    // test looks; the model's first answer says what the task's log held when it was asked.
    List<List<EventKind>> seenAtRequest = new CopyOnWriteArrayList<>();
    AtomicInteger turn = new AtomicInteger();
    String[] taskId = new String[1];
    harness.model.respondWith(
        request -> {
          seenAtRequest.add(
              harness.node().eventLog().all(taskId[0]).stream().map(Event::kind).toList());
          return switch (turn.getAndIncrement()) {
            case 0 -> tools(bash("cat .ready"));
            case 1 -> text("The environment was ready.");
            default -> ScriptedTurn.status(400);
          };
        });
    harness.start();
    harness.call(
        "PUT",
        "/repos/acme/widgets/environment",
        Map.of("setup", "while [ ! -e /workspace/.go ]; do sleep 0.05; done; echo ready > .ready"));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Check the environment").path("id").asText();
      taskId[0] = id;
      client.subscribe(id, 0);
      client.awaitEvent(id, "setup.started", WAIT);
      client.awaitEvent(id, "tool.call", WAIT);
      assertThat(seenAtRequest.getFirst())
          .as("the first request went out before the setup finished")
          .doesNotContain(EventKind.SETUP_FINISHED);
      assertThat(client.events(id))
          .as("the tool call waits for the container")
          .noneMatch(event -> event.path("kind").asText().equals("tool.result"));

      Path workspace =
          harness
              .dataDir("a")
              .resolve("tasks")
              .resolve(harness.environment("a").get("DOCKHAND_NODE_ID"))
              .resolve(id + "-1")
              .resolve("fs")
              .resolve("work");
      Files.writeString(workspace.resolve(".go"), "");
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      JsonNode result =
          events.stream()
              .filter(event -> event.path("kind").asText().equals("tool.result"))
              .findFirst()
              .orElseThrow();
      assertThat(result.path("data").path("output").asText()).isEqualTo("ready\n");
      assertThat(seenAtRequest.get(1)).contains(EventKind.SETUP_FINISHED);

      List<String> systems =
          harness.model.answered().stream()
              .map(request -> request.body().path("system").toString())
              .toList();
      assertThat(systems.getLast())
          .as("the repository's guidance, once the clone had it")
          .contains("<repository_guidance file=\\\"CLAUDE.md\\\">", "make check");
    }
  }
}
