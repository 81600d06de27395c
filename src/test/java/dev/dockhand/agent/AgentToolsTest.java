package dev.dockhand.agent;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.insert;
import static dev.dockhand.testkit.ScriptedTurn.replace;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.restartBash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static dev.dockhand.testkit.ScriptedTurn.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.queue.Task;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.RecordingTaskContext;
import dev.dockhand.testkit.TestSandbox;
import dev.dockhand.testkit.TestTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claude's tools at work in a real task container (DockerSandbox, the worker image). */
@Tag("docker")
class AgentToolsTest {
  static final String KEY = "sk-ant-test-d0c4e8a11f";

  @TempDir Path workspace;
  AnthropicStandIn api;
  SandboxContainer container;
  Task task;
  RecordingTaskContext context;

  @BeforeEach
  void start() throws Exception {
    api = AnthropicStandIn.start(KEY);
    Files.writeString(workspace.resolve("app.py"), "def greet():\n    return 'hello'\n");
    Files.createDirectories(workspace.resolve("sub"));
    task = TestTasks.running("Make greet() say hello, world", 8, 5.0);
    context = new RecordingTaskContext(task);
  }

  @AfterEach
  void stop() {
    if (container != null) {
      container.close();
    }
    api.close();
  }

  AgentOutcome run(String... settings) {
    container = TestSandbox.start(task.id(), workspace);
    try (AgentLoop loop =
        new AgentLoop(StandInSettings.of(api, KEY, settings), Clock.systemUTC())) {
      return loop.run(task, container, context, List.of());
    }
  }

  List<Event> results() {
    return context.events(EventKind.TOOL_RESULT);
  }

  String output(int index) {
    return results().get(index).data().path("output").asText();
  }

  boolean failed(int index) {
    return results().get(index).data().path("isError").asBoolean();
  }

  @Test
  void aMultiTurnTaskEditsFilesThroughBothToolsAndTheChangesAreOnTheHost() throws Exception {
    api.script(
        reply("Let me look around.", bash("cd /workspace && ls && export TARGET=app.py")),
        tools(view("/workspace/app.py")),
        tools(replace("/workspace/app.py", "return 'hello'", "return 'hello, world'")),
        tools(bash("pwd && echo $TARGET && python3 -c 'import app; print(app.greet())'")),
        tools(
            create("/workspace/docs/CHANGES.md", "# Changes\n"),
            insert("/workspace/docs/CHANGES.md", 1, "- greet() says hello, world")),
        text("greet() now returns 'hello, world'; noted in docs/CHANGES.md."));

    AgentOutcome outcome = run();

    assertThat(outcome.turns()).isEqualTo(6);
    assertThat(outcome.summary()).startsWith("greet() now returns");
    assertThat(Files.readString(workspace.resolve("app.py")))
        .isEqualTo("def greet():\n    return 'hello, world'\n");
    assertThat(Files.readString(workspace.resolve("docs/CHANGES.md")))
        .isEqualTo("# Changes\n- greet() says hello, world\n");
    assertThat(output(0)).contains("app.py", "sub");
    assertThat(output(1)).contains("     1\tdef greet():");
    assertThat(output(3))
        .as("the shell kept its directory and exported variable")
        .isEqualTo("/workspace\napp.py\nhello, world\n");
    assertThat(results()).noneMatch(result -> result.data().path("isError").asBoolean());
    assertThat(context.events(EventKind.TOOL_CALL))
        .extracting(call -> call.data().path("id").asText())
        .containsExactlyElementsOf(
            results().stream().map(result -> result.data().path("id").asText()).toList());
    assertEveryToolResultAnswersThePreviousToolUse();
  }

  void assertEveryToolResultAnswersThePreviousToolUse() {
    List<AnthropicStandIn.Recorded> requests = api.answered();
    for (int i = 1; i < requests.size(); i++) {
      JsonNode messages = requests.get(i).body().path("messages");
      JsonNode previousAssistant = messages.get(messages.size() - 2);
      List<String> asked = new ArrayList<>();
      previousAssistant
          .path("content")
          .forEach(
              block -> {
                if (block.path("type").asText().equals("tool_use")) {
                  asked.add(block.path("id").asText());
                }
              });
      assertThat(requests.get(i).toolResultIds())
          .as("request %d", i)
          .containsExactlyElementsOf(asked);
      assertThat(requests.get(i).cacheControlCount()).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void pathsOutsideTheWorkspaceAreRefusedEvenThroughASymlink() {
    api.script(
        tools(
            view("/etc/passwd"),
            view("/workspace/../etc/passwd"),
            create("/tmp/elsewhere.txt", "x")),
        tools(bash("ln -s /etc /workspace/etc-link")),
        tools(
            view("/workspace/etc-link/passwd"), replace("/workspace/etc-link/hostname", "a", "b")),
        text("I could not leave the workspace."));

    run();

    for (int index : new int[] {0, 1, 2, 4, 5}) {
      assertThat(failed(index)).as("result %d", index).isTrue();
      assertThat(output(index)).as("result %d", index).contains("outside /workspace");
    }
    assertThat(failed(3)).isFalse();
  }

  @Test
  void aModelThatLoopsOnToolsIsStoppedAtMaxTurns() {
    for (int i = 0; i < 10; i++) {
      api.script(tools(bash("echo again")));
    }
    task = TestTasks.running("Loop", 4, 5.0);
    context = new RecordingTaskContext(task);

    assertThatThrownBy(() -> run())
        .isInstanceOfSatisfying(
            AgentLimitException.class, limit -> assertThat(limit.code()).isEqualTo("max_turns"));
    assertThat(api.answered()).hasSize(4);
    assertThat(results()).hasSize(4);
  }

  @Test
  void aCommandThatRunsTooLongIsKilledAndTheShellCarriesOn() {
    api.script(
        tools(bash("cd /workspace/sub && export KEEP=kept")),
        tools(bash("sleep 120")),
        tools(bash("pwd; echo $KEEP")),
        text("Done."));

    run("DOCKHAND_TOOL_TIMEOUT", "2s");

    assertThat(failed(1)).isTrue();
    assertThat(output(1)).contains("did not finish within 2s");
    assertThat(output(2)).isEqualTo("/workspace/sub\nkept\n");
  }

  @Test
  void restartingBashStartsAFreshShellInTheWorkspace() {
    api.script(
        tools(bash("cd /tmp && export LEFTOVER=1")),
        tools(restartBash()),
        tools(bash("pwd; echo \"LEFTOVER=$LEFTOVER\"")),
        text("Done."));

    run();

    assertThat(output(1)).contains("restarted");
    assertThat(output(2)).isEqualTo("/workspace\nLEFTOVER=\n");
  }

  @Test
  void longOutputIsCutInTheMiddleBeforeItReachesTheModel() {
    api.script(tools(bash("seq 1 20000")), text("Done."));

    run("DOCKHAND_TOOL_OUTPUT_CAP_CHARS", "2000");

    assertThat(output(0))
        .startsWith("1\n2\n3\n")
        .endsWith("19999\n20000\n")
        .contains("characters cut");
    assertThat(output(0).length()).isLessThan(2100);
    assertThat(api.answered().get(1).lastMessage().toString()).contains("characters cut");
  }

  @Test
  void theRepositorysClaudeMdReachesTheSystemPromptAsUntrustedGuidance() throws Exception {
    Files.writeString(workspace.resolve("CLAUDE.md"), "Run `make check` before you finish.\n");
    Files.writeString(
        workspace.resolve("AGENTS.md"), "This one is not read when CLAUDE.md exists.\n");
    api.script(text("Done."));

    run();

    String system = api.answered().get(0).body().path("system").toString();
    assertThat(system)
        .contains(
            "<repository_guidance file=\\\"CLAUDE.md\\\">",
            "Run `make check` before you finish.",
            "untrusted");
    assertThat(system).doesNotContain("This one is not read");
  }

  @Test
  void aGuidanceFileThatLinksOutOfTheWorkspaceIsIgnored() throws Exception {
    Files.createSymbolicLink(workspace.resolve("AGENTS.md"), Path.of("/etc/passwd"));
    api.script(text("Done."));

    run();

    String system = api.answered().get(0).body().path("system").toString();
    assertThat(system).doesNotContain("repository_guidance", "root:");
  }
}
