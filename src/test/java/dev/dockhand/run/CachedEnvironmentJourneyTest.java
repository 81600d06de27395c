package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A cached environment seen from outside: the second task on a repository restores what the first
 * one's setup made (the setup does not run again, its event says cached, maintenance runs), a
 * task's writes never reach the cache, and a changed lockfile, a changed setup command or a rebuild
 * start from a cold setup again.
 */
@Tag("docker")
class CachedEnvironmentJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ENVIRONMENT = "/repos/acme/widgets/environment";
  private static final String SETUP =
      "mkdir -p node_modules/dep && echo v1 > node_modules/dep/version"
          + " && echo ran >> $HOME/setup-runs && echo installed";
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo(
        "acme/widgets",
        Map.of(
            "package-lock.json", "{\"lockfileVersion\": 3}\n",
            ".gitignore", "node_modules/\n.maintained\n"));
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void theSecondTaskRestoresTheFirstsSetupAndAChangedLockfileSetupOrRebuildStartsCold()
      throws Exception {
    harness.call(
        "PUT", ENVIRONMENT, Map.of("setup", SETUP, "maintenance", "echo maintained > .maintained"));
    String look = "cat node_modules/dep/version; wc -l < $HOME/setup-runs; ls -a";

    Run cold = run(look);
    assertThat(cold.finished().path("cached").asBoolean()).isFalse();
    assertThat(cold.output()).startsWith("v1\n1\n").doesNotContain(".maintained");

    Run cached =
        run(
            look
                + "; echo changed-by-a-task > node_modules/dep/version; echo x >> $HOME/setup-runs");
    assertThat(cached.finished().path("cached").asBoolean()).isTrue();
    assertThat(cached.finished().path("exitCode").asInt()).isZero();
    assertThat(cached.setupOutput()).as("setup did not run again").doesNotContain("installed");
    assertThat(cached.output())
        .as("the setup's files and home, restored, and maintenance ran")
        .startsWith("v1\n1\n")
        .contains(".maintained");
    assertThat(cached.timings().has("restore")).isTrue();

    Run again = run(look);
    assertThat(again.finished().path("cached").asBoolean()).isTrue();
    assertThat(again.output()).as("a task's writes never reach the cache").startsWith("v1\n1\n");

    harness.git.commit(
        "acme/widgets", "main", Map.of("package-lock.json", "{\"lockfileVersion\": 4}\n"), "Bump");
    Run newLock = run(look);
    assertThat(newLock.finished().path("cached").asBoolean()).as("a changed lockfile").isFalse();

    harness.call("PUT", ENVIRONMENT, Map.of("setup", SETUP + " && echo twice"));
    Run newSetup = run(look);
    assertThat(newSetup.finished().path("cached").asBoolean())
        .as("a changed setup command")
        .isFalse();
    assertThat(run(look).finished().path("cached").asBoolean()).isTrue();

    assertThat(harness.call("POST", ENVIRONMENT + "/rebuild", null).status()).isEqualTo(204);
    assertThat(run(look).finished().path("cached").asBoolean()).as("after a rebuild").isFalse();
  }

  /** What one task showed. */
  private record Run(JsonNode finished, String output, String setupOutput, JsonNode timings) {}

  private Run run(String command) throws InterruptedException {
    harness.model.script(tools(bash(command)), text("Looked."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Look at the environment").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);
      List<JsonNode> events = client.events(id);
      String setupOutput =
          client.seen().stream()
              .filter(frame -> frame.path("type").asText().equals("delta"))
              .filter(frame -> frame.path("stream").asText().equals("setup"))
              .map(frame -> frame.path("text").asText())
              .collect(Collectors.joining());
      return new Run(
          ofKind(events, "setup.finished").path("data"),
          ofKind(events, "tool.result").path("data").path("output").asText(),
          setupOutput,
          harness.task(id).path("timings"));
    }
  }

  private static JsonNode ofKind(List<JsonNode> events, String kind) {
    return events.stream()
        .filter(event -> event.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " event"));
  }
}
