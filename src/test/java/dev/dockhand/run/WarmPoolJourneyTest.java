package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
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
 * A node with a warm pool runs a task in the pool's container: the checkout and the agent's writes
 * in it reach the host's workspace, so the push carries them; the container goes with the task, the
 * pool refills, and the node's stop leaves neither containers nor mounts behind.
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
  void aTaskRunsInAPooledContainerAndItsWorkIsPushed() throws Exception {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    Map<String, String> environment = new HashMap<>(harness.environment("a"));
    environment.put("DOCKHAND_WARM_POOL", "1");
    harness.start(environment);
    awaitMetric("dockhand_warm_pool_idle 1.0");
    harness.model.script(
        reply("Copying.", bash("cp README.md COPY.md && echo copied")), text("Copied."));

    String id;
    try (LiveClient client = harness.live()) {
      id = harness.submit("acme/widgets", "Copy the readme").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);
    }

    assertThat(harness.git.files("acme/widgets", "dockhand/" + id.substring(0, 8)))
        .containsEntry("COPY.md", "# Widgets\n");
    assertThat(metrics()).contains("dockhand_warm_pool_handovers_total{outcome=\"hit\"} 1.0");
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
