package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A node with a warm pool runs its tasks in the pool's containers: the first task's setup runs in
 * one and its environment is kept (the container frozen meanwhile); the second task's restored
 * environment (an overlay on its workspace and home) shows in another, and its writes there reach
 * the host's workspace, so the push carries them. Each container goes with its task, the pool
 * refills, and the node's stop leaves neither containers nor mounts behind.
 */
@Tag("docker")
class WarmPoolJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newHttpClient();
  private ServerHarness harness;

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void tasksRunInPooledContainersWithTheirCachedEnvironmentAndTheirWorkIsPushed() throws Exception {
    harness = new ServerHarness();
    harness.git.createRepo(
        "acme/widgets",
        Map.of(
            "README.md", "# Widgets\n",
            "package-lock.json", "{\"lockfileVersion\": 3}\n",
            ".gitignore", "node_modules/\n"));
    Map<String, String> environment = new HashMap<>(harness.environment("a"));
    environment.put("DOCKHAND_WARM_POOL", "1");
    harness.start(environment);
    harness.call(
        "PUT",
        "/repos/acme/widgets/environment",
        Map.of("setup", "mkdir -p node_modules/dep && echo v1 > node_modules/dep/version"));

    String cold = run("true", false);
    String cached = run("cat node_modules/dep/version > COPY.md && cat README.md >> COPY.md", true);

    assertThat(harness.git.files("acme/widgets", "dockhand/" + cold.substring(0, 8))).isEmpty();
    assertThat(harness.git.files("acme/widgets", "dockhand/" + cached.substring(0, 8)))
        .containsEntry("COPY.md", "v1\n# Widgets\n");
    assertThat(metrics()).contains("dockhand_warm_pool_handovers_total{outcome=\"hit\"} 2.0");
    assertThat(metrics()).doesNotContain("outcome=\"miss\"");
    awaitMetric("dockhand_warm_pool_idle 1.0");
    String nodeId = environment.get("DOCKHAND_NODE_ID");
    assertThat(Containers.labelled("dockhand.node=" + nodeId)).as("the refilled one").hasSize(1);

    harness.node().close();
    assertThat(Containers.labelled("dockhand.node=" + nodeId)).isEmpty();
    Path pool = harness.dataDir("a").resolve("pool").resolve(nodeId);
    try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mountinfo"))) {
      List<String> left = mounts.filter(line -> line.contains(pool.toString())).toList();
      assertThat(left).as("mounts under the pool").isEmpty();
    }
  }

  /** One task whose agent runs {@code command}, once the pool has a container waiting. */
  private String run(String command, boolean cached) throws Exception {
    awaitMetric("dockhand_warm_pool_idle 1.0");
    harness.model.script(tools(bash(command)), text("Done."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Copy the readme").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);
      assertThat(client.events(id))
          .filteredOn(event -> event.path("kind").asText().equals("setup.finished"))
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.path("data").path("exitCode").asInt()).isZero();
                assertThat(event.path("data").path("cached").asBoolean()).isEqualTo(cached);
              });
      return id;
    }
  }

  private void awaitMetric(String line) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!metrics().contains(line)) {
      assertThat(System.nanoTime()).as("waiting for %s", line).isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // a poll with a deadline
    }
  }

  private String metrics() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(harness.origin().resolve("/metrics"))
            .header("Authorization", "Bearer " + harness.token())
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
