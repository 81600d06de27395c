package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Json;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ManifestJar;
import dev.dockhand.testkit.ServerHarness;
import dev.dockhand.testkit.ServerProcess;
import dev.dockhand.testkit.WebPushStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server started as an operator starts it ({@code java -jar}, the jar's own manifest) prints
 * nothing the operator cannot act on: no JDK warning from start, through a task that uses the
 * engine, git, the model and the warm pool, the push sent when it ends, a metrics scrape, to the
 * stop.
 */
@Tag("docker")
class QuietStartTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  @TempDir Path dir;

  @Test
  void theServerPrintsNoJdkWarningFromStartToStop() throws Exception {
    try (ServerHarness harness = new ServerHarness();
        WebPushStandIn pushService = WebPushStandIn.start()) {
      harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
      harness.model.script(tools(bash("echo hello > /workspace/hello.txt")), text("Done."));
      Map<String, String> environment = new HashMap<>(harness.environment("a"));
      environment.put("DOCKHAND_WARM_POOL", "1");
      environment.put("DOCKHAND_PUSH_ALLOW_LOOPBACK", "true");

      try (ServerProcess server = ServerProcess.startJar(environment, ManifestJar.write(dir))) {
        String token = ServerProcess.adminToken(harness.dataDir("a"));
        String serverKey =
            harness
                .call(server.origin(), token, "GET", "/push/key", null)
                .json()
                .path("publicKey")
                .asText();
        WebPushStandIn.Browser phone = pushService.subscribe(serverKey);
        assertThat(
                harness
                    .call(
                        server.origin(),
                        token,
                        "POST",
                        "/push/subscriptions",
                        Json.MAPPER.readTree(phone.json()))
                    .status())
            .isEqualTo(201);
        String id =
            harness
                .submit(server.origin(), token, "acme/widgets", "Write hello.txt")
                .path("id")
                .asText();
        try (LiveClient client = LiveClient.connect(server.origin(), token)) {
          client.subscribe(id, 0);
          client.awaitEvent(id, "task.succeeded", WAIT);
        }
        assertThat(pushService.next(30).subscriptionId()).isEqualTo(phone.id());
        assertThat(scrape(server.origin(), token)).isEqualTo(200);
        assertThat(server.terminate()).isEqualTo(143);

        assertThat(server.output()).contains("Dockhand stopped");
        assertThat(server.output())
            .as("the server's output")
            .noneMatch(line -> line.startsWith("WARNING:"))
            .noneMatch(line -> line.contains("VM warning"));
      }
    }
  }

  private static int scrape(URI origin, String token) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(origin.resolve("/metrics"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }
}
