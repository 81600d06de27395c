package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.hang;
import static dev.dockhand.testkit.ScriptedTurn.replace;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A task's whole journey through the real parts: the HTTP API, the queue on SQLite, a hardened
 * container on the Docker engine, the agent loop against the stand-in model, a push to a git server
 * over smart HTTP, a pull request on the stand-in GitHub, and every event on the WebSocket.
 */
@Tag("docker")
class EndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo(
        "acme/widgets", Map.of("README.md", "# Widgets\n", "greeting.txt", "hello\n"));
    harness.start();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aSubmittedTaskEditsTheRepositoryPushesABranchAndOpensAPullRequestWhileTheClientWatches()
      throws Exception {
    harness.model.script(
        reply("Let me look.", bash("cat greeting.txt && pwd")),
        tools(replace("/workspace/greeting.txt", "hello", "hello, world")),
        tools(create("/workspace/NOTES.md", "Changed the greeting.\n")),
        text("I changed the greeting and left a note."));

    try (LiveClient client = harness.live()) {
      JsonNode submitted = harness.submit("acme/widgets", "Make the greeting friendlier");
      String id = submitted.path("id").asText();
      assertThat(submitted.path("status").asText()).isEqualTo("queued");
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      assertThat(events)
          .extracting(event -> event.path("seq").asLong())
          .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
      assertThat(events)
          .extracting(event -> event.path("kind").asText())
          .containsSubsequence(
              "task.queued",
              "task.started",
              "message.user",
              "message.assistant",
              "tool.call",
              "tool.result",
              "git.pushed",
              "pr.opened",
              "task.succeeded");
      JsonNode firstResult =
          events.stream()
              .filter(event -> event.path("kind").asText().equals("tool.result"))
              .findFirst()
              .orElseThrow();
      assertThat(firstResult.path("data").path("output").asText()).contains("hello", "/workspace");
      assertThat(client.seen()).anyMatch(frame -> frame.path("type").asText().equals("delta"));

      JsonNode task = harness.task(id);
      String branch = "dockhand/" + id.substring(0, 8);
      assertThat(task.path("status").asText()).isEqualTo("succeeded");
      assertThat(task.path("headBranch").asText()).isEqualTo(branch);
      assertThat(task.path("prUrl").asText()).startsWith("http");
      assertThat(task.path("usage").path("inputTokens").asLong()).isPositive();
      assertThat(task.path("usage").path("costUsd").asDouble()).isPositive();
      assertThat(task.path("timings").fieldNames())
          .toIterable()
          .contains("queued", "clone", "container", "firstToken", "agent", "push", "total");

      assertThat(harness.git.files("acme/widgets", branch))
          .containsEntry("greeting.txt", "hello, world\n")
          .containsEntry("NOTES.md", "Changed the greeting.\n");
      assertThat(harness.git.files("acme/widgets", "main"))
          .containsEntry("greeting.txt", "hello\n");
      assertThat(harness.github.pullRequests())
          .singleElement()
          .satisfies(
              pull -> {
                assertThat(pull.head()).isEqualTo(branch);
                assertThat(pull.base()).isEqualTo("main");
                assertThat(pull.title())
                    .as("the agent's summary, not the prompt")
                    .isEqualTo("I changed the greeting and left a note.");
              });

      ServerHarness.Response diff = harness.call("GET", "/tasks/" + id + "/diff", null);
      assertThat(diff.status()).isEqualTo(200);
      assertThat(diff.body()).contains("-hello", "+hello, world", "+++ b/NOTES.md");
      assertThat(Containers.labelled("dockhand.task=" + id)).isEmpty();
    }
  }

  @Test
  void aHostOffTheAllowlistIsRefusedInTheToolResultAndRecordedOnTheTask() throws Exception {
    harness.model.script(
        reply(
            "Fetching.",
            bash("curl -s http://tracker.example/beacon; curl -s http://tracker.example/again")),
        text("The host was blocked."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Phone home").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      JsonNode result =
          events.stream()
              .filter(event -> event.path("kind").asText().equals("tool.result"))
              .findFirst()
              .orElseThrow();
      assertThat(result.path("data").path("output").asText())
          .contains("tracker.example:80", "egressAllow", "DOCKHAND_EGRESS_ALLOW");
      List<JsonNode> blocked =
          events.stream()
              .filter(event -> event.path("kind").asText().equals("network.blocked"))
              .toList();
      assertThat(blocked)
          .isNotEmpty()
          .allSatisfy(
              event -> {
                assertThat(event.path("data").path("host").asText()).isEqualTo("tracker.example");
                assertThat(event.path("data").path("port").asInt()).isEqualTo(80);
              });
      assertThat(blocked.getLast().path("data").path("count").asLong()).isEqualTo(2);
      assertThat(harness.task(id).path("status").asText()).isEqualTo("succeeded");
    }
  }

  @Test
  void aTaskThatChangesNothingSucceedsWithoutAPush() throws Exception {
    harness.model.script(reply("", bash("ls")), text("Nothing needed changing."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Is there anything to fix?").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);
      assertThat(client.events(id))
          .extracting(event -> event.path("kind").asText())
          .doesNotContain("git.pushed", "pr.opened");
      assertThat(harness.git.branches("acme/widgets")).containsExactly("main");
      assertThat(harness.task(id).has("headBranch")).isFalse();
    }
  }

  @Test
  void aTaskStoppedByItsTurnLimitKeepsItsWorkOnItsBranchWithoutAPullRequest() throws Exception {
    harness.model.script(
        tools(create("/workspace/half.txt", "half done\n")),
        reply("Still going.", bash("ls")),
        text("This turn is never asked for."));
    try (LiveClient client = harness.live()) {
      ServerHarness.Response submitted =
          harness.call(
              "POST",
              "/tasks",
              Map.of("repo", "acme/widgets", "prompt", "Do a lot", "maxTurns", 2));
      assertThat(submitted.status()).isEqualTo(201);
      String id = submitted.json().path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.failed", WAIT);

      String branch = "dockhand/" + id.substring(0, 8);
      JsonNode task = harness.task(id);
      assertThat(task.path("status").asText()).isEqualTo("failed");
      assertThat(task.path("error").path("code").asText()).isEqualTo("max_turns");
      assertThat(task.path("error").path("message").asText()).contains("2 model turns", branch);
      assertThat(task.path("headBranch").asText()).isEqualTo(branch);
      assertThat(harness.git.files("acme/widgets", branch))
          .containsEntry("half.txt", "half done\n");
      assertThat(harness.github.pullRequests()).isEmpty();
      assertThat(client.events(id))
          .extracting(event -> event.path("kind").asText())
          .containsSubsequence("tool.result", "git.pushed", "task.failed")
          .doesNotContain("pr.opened");
      assertThat(harness.model.answered()).hasSize(2);
    }
  }

  @Test
  void cancellingARunningTaskStopsTheModelAndRemovesItsContainer() throws Exception {
    harness.model.script(reply("Working.", bash("echo started")), hang());
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Take your time").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "tool.result", WAIT);
      assertThat(Containers.labelled("dockhand.task=" + id)).hasSize(1);

      assertThat(harness.call("POST", "/tasks/" + id + "/cancel", null).status()).isEqualTo(202);
      client.awaitEvent(id, "task.cancelled", WAIT);

      assertThat(harness.task(id).path("status").asText()).isEqualTo("cancelled");
      assertThat(Containers.labelled("dockhand.task=" + id)).isEmpty();
      assertThat(client.events(id))
          .extracting(event -> event.path("kind").asText())
          .contains("message.assistant", "tool.call", "tool.result")
          .doesNotContain("git.pushed");
    }
  }

  @Test
  void aFollowUpToAFinishedTaskResumesItOnItsOwnBranch() throws Exception {
    harness.model.script(
        tools(create("/workspace/a.txt", "first\n")),
        text("Added a.txt."),
        tools(create("/workspace/b.txt", "second\n")),
        text("Added b.txt too."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Add a.txt").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      assertThat(
              harness
                  .call("POST", "/tasks/" + id + "/messages", Map.of("content", "Now add b.txt"))
                  .status())
          .isEqualTo(202);
      client.awaitEvent(id, "task.succeeded", WAIT);

      String branch = "dockhand/" + id.substring(0, 8);
      assertThat(harness.git.files("acme/widgets", branch))
          .containsEntry("a.txt", "first\n")
          .containsEntry("b.txt", "second\n");
      assertThat(harness.github.pullRequests()).hasSize(1);
      JsonNode lastRequest = harness.model.answered().get(3).body();
      assertThat(lastRequest.path("messages").toString()).contains("Add a.txt", "Now add b.txt");
      assertThat(harness.call("GET", "/tasks/" + id + "/diff", null).body())
          .contains("+++ b/a.txt", "+++ b/b.txt");
    }
  }
}
