package dev.dockhand.agent;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.queue.Task;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.RecordingTaskContext;
import dev.dockhand.testkit.TestSandbox;
import dev.dockhand.testkit.TestTasks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Anthropic API key stays in the SDK client: never in a container, an event or a log line. */
@Tag("docker")
class AgentSecretsTest {
  static final String KEY = "sk-ant-secret-7d2f90b3c1e4";

  @TempDir Path workspace;

  @Test
  void theApiKeyAppearsInNoContainerEventOrLogLine() throws Exception {
    Task task = TestTasks.running("Show me the environment");
    RecordingTaskContext context = new RecordingTaskContext(task);
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    try (AnthropicStandIn api = AnthropicStandIn.start(KEY);
        SandboxContainer container = TestSandbox.start(task.id(), workspace)) {
      api.script(
          tools(
              bash(
                  "env; tr '\\0' '\\n"
                      + "' < /proc/1/environ; grep -rs sk-ant- /workspace /tmp /etc || true")),
          text("That is the environment."));
      System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
      try (AgentLoop loop = new AgentLoop(StandInSettings.of(api, KEY), Clock.systemUTC())) {
        loop.run(task, container, context, List.of());
      } finally {
        System.setErr(originalErr);
      }

      String inspected = TestSandbox.inspect(container.id());
      assertThat(inspected).contains("\"Env\"").doesNotContain(KEY);
      String toolOutput =
          context
              .events(dev.dockhand.events.EventKind.TOOL_RESULT)
              .get(0)
              .data()
              .path("output")
              .asText();
      assertThat(toolOutput).contains("PATH=").doesNotContain(KEY);
      assertThat(api.answered().get(0).header("authorization")).contains("Bearer " + KEY);
    }
    assertThat(context.allEvents()).isNotEmpty();
    assertThat(context.allEvents().toString()).doesNotContain(KEY);
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).as("the capture saw the loop's own log lines").contains("turn 1:");
    assertThat(logged).doesNotContain(KEY);
  }
}
