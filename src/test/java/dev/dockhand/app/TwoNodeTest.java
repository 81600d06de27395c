package dev.dockhand.app;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.config.ConfigException;
import dev.dockhand.store.TestDatabases;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL database share the queue, and a client connected to one follows,
 * live, a task the other runs.
 */
@Tag("docker")
@Tag("postgres")
class TwoNodeTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private ServerHarness harness;
  private Node first;
  private Node second;
  private String database;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    database = TestDatabases.freshPostgresUrl();
    first = startNode("a", database);
    second = startNode("b", database);
  }

  private Node startNode(String name, String database) {
    Map<String, String> environment = new HashMap<>(harness.environment(name));
    environment.put("DOCKHAND_DB_URL", database);
    return Node.start(Config.load(environment), new PrintStream(PrintStream.nullOutputStream()));
  }

  @AfterEach
  void stop() {
    first.close();
    second.close();
    harness.close();
  }

  @Test
  void aThirdNodeGivenTheFirstsNodeIdIsRefusedAtStartWithOneLineNamingTheSetting() {
    Map<String, String> environment = new HashMap<>(harness.environment("c"));
    String firstsId = harness.environment("a").get("DOCKHAND_NODE_ID");
    environment.put("DOCKHAND_DB_URL", database);
    environment.put("DOCKHAND_NODE_ID", firstsId);

    assertThatThrownBy(
            () ->
                Node.start(
                    Config.load(environment), new PrintStream(PrintStream.nullOutputStream())))
        .isInstanceOfSatisfying(
            ConfigException.class,
            refused -> {
              assertThat(refused.key()).isEqualTo("DOCKHAND_NODE_ID");
              assertThat(refused.getMessage())
                  .contains("node id '" + firstsId + "' is held by another")
                  .doesNotContain("\n");
            });
  }

  @Test
  void aClientOnOneNodeFollowsLiveATaskThatTheOtherNodeRuns() throws Exception {
    harness.model.script(
        reply("Looking around first.", bash("ls")),
        tools(create("/workspace/hello.txt", "hi\n")),
        text("Added hello.txt."));
    String token = first.adminToken().orElseThrow();

    try (LiveClient onA = LiveClient.connect(first.origin(), token);
        LiveClient onB = LiveClient.connect(second.origin(), token)) {
      String id =
          harness.submit(first.origin(), token, "acme/widgets", "Say hi").path("id").asText();
      onA.subscribe(id, 0);
      onB.subscribe(id, 0);
      // Whichever node ran the task, the client on the other follows it as closely.
      for (LiveClient follower : List.of(onA, onB)) {
        follower.awaitEvent(id, "task.succeeded", WAIT);
        List<JsonNode> events = follower.events(id);
        assertThat(events)
            .extracting(event -> event.path("seq").asLong())
            .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events)
            .extracting(event -> event.path("kind").asText())
            .containsSubsequence(
                "task.started", "tool.call", "tool.result", "git.pushed", "task.succeeded");
        assertThat(follower.seen())
            .as("live text reached the client on either node")
            .anyMatch(frame -> frame.path("type").asText().equals("delta"));
      }
      assertThat(harness.git.files("acme/widgets", "dockhand/" + id.substring(0, 8)))
          .containsEntry("hello.txt", "hi\n");
    }
  }

  @Test
  void twoNodesShareTheQueueAndEveryTaskRunsOnce() throws Exception {
    int tasks = 6;
    for (int i = 0; i < tasks; i++) {
      harness.model.script(text("Nothing to change."));
    }
    String token = first.adminToken().orElseThrow();
    try (LiveClient client = LiveClient.connect(second.origin(), token)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        var node = i % 2 == 0 ? first : second;
        String id =
            harness.submit(node.origin(), token, "acme/widgets", "Check " + i).path("id").asText();
        ids.add(id);
        client.subscribe(id, 0);
      }
      for (String id : ids) {
        client.awaitEvent(id, "task.succeeded", WAIT);
        assertThat(client.events(id))
            .extracting(event -> event.path("kind").asText())
            .containsOnlyOnce("task.started", "task.succeeded");
      }
      // A task run twice would have asked the model a second time.
      assertThat(harness.model.answered()).hasSize(tasks);
    }
  }
}
