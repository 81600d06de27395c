package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.hang;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import dev.dockhand.testkit.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A server killed mid-task: the restarted node retries the task from scratch and finishes it. */
@Tag("docker")
class RestartTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private void awaitModelRequests(int count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (harness.model.requests().size() < count) {
      assertThat(System.nanoTime()).as("the model was asked %d times", count).isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a poll with a deadline
    }
  }

  @Test
  void aTaskInterruptedByKillNineIsRetriedAfterRestartFromACleanWorkspaceAndFinishes()
      throws Exception {
    harness.model.script(
        tools(create("/workspace/half-done.txt", "from the first attempt\n")),
        hang(),
        reply("Starting over.", bash("ls /workspace")),
        tools(create("/workspace/done.txt", "finished\n")),
        text("Done."));
    Map<String, String> environment = harness.environment("a");
    String id;
    List<String> orphans;
    try (ServerProcess first = ServerProcess.start(environment)) {
      String token = ServerProcess.adminToken(harness.dataDir("a"));
      id =
          harness
              .submit(first.origin(), token, "acme/widgets", "Write done.txt")
              .path("id")
              .asText();
      try (LiveClient client = LiveClient.connect(first.origin(), token)) {
        client.subscribe(id, 0);
        client.awaitEvent(id, "tool.result", WAIT);
      }
      awaitModelRequests(2); // the second turn is the one that hangs: kill the server inside it
      orphans = Containers.labelled("dockhand.task=" + id);
      assertThat(orphans).hasSize(1);
      first.kill();
    }
    assertThat(Containers.labelled("dockhand.task=" + id))
        .as("the dead server's container")
        .hasSize(1);

    try (ServerProcess second = ServerProcess.start(environment)) {
      String token = ServerProcess.adminToken(harness.dataDir("a"));
      try (LiveClient client = LiveClient.connect(second.origin(), token)) {
        client.subscribe(id, 0);
        client.awaitEvent(id, "task.succeeded", WAIT);
        List<JsonNode> events = client.events(id);
        assertThat(events)
            .extracting(event -> event.path("seq").asLong())
            .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events)
            .extracting(event -> event.path("kind").asText())
            .containsSubsequence("task.started", "task.retrying", "task.started", "task.succeeded");
        int retryStart = events.size() - 1;
        while (!events.get(retryStart).path("kind").asText().equals("task.started")) {
          retryStart--;
        }
        JsonNode listing =
            events.subList(retryStart, events.size()).stream()
                .filter(event -> event.path("kind").asText().equals("tool.result"))
                .findFirst()
                .orElseThrow();
        assertThat(listing.path("data").path("output").asText())
            .as("the retry's workspace is a fresh clone")
            .contains("README.md")
            .doesNotContain("half-done.txt");
      }
      JsonNode task = harness.call(second.origin(), token, "GET", "/tasks/" + id, null).json();
      assertThat(task.path("status").asText()).isEqualTo("succeeded");
      assertThat(task.path("attempt").asInt()).isEqualTo(2);
      assertThat(harness.git.files("acme/widgets", "dockhand/" + id.substring(0, 8)))
          .containsKey("done.txt")
          .doesNotContainKey("half-done.txt");
      for (String orphan : orphans) {
        assertThat(Containers.all())
            .as("no container of the dead process is left")
            .doesNotContain(orphan);
      }
      assertThat(second.terminate()).as("the JVM's exit status after SIGTERM").isEqualTo(143);
      assertThat(second.output()).contains("Dockhand stopped");
    }
  }
}
