package dev.dockhand.cli;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Main;
import dev.dockhand.testkit.ServerHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The command-line client against a running server, as a person would use it. */
@Tag("docker")
class CliTest {
  private ServerHarness harness;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    harness.start();
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    harness.close();
  }

  private int run(String... args) {
    return Main.commandLine().execute(args);
  }

  @Test
  void submitWithWatchFollowsTheTaskToItsEndAndPrintsASummary() {
    harness.model.script(
        reply("Looking.", bash("cat README.md")),
        tools(create("/workspace/CHANGELOG.md", "# Changes\n")),
        text("Added a changelog."));

    int status =
        run(
            "submit",
            "--server",
            harness.origin().toString(),
            "--token",
            harness.token(),
            "--repo",
            "acme/widgets",
            "--prompt",
            "Add a changelog",
            "--watch",
            "--no-color");

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(printed + err).isZero();
    assertThat(printed)
        .contains("$ cat README.md", "# Widgets", "✎ create /workspace/CHANGELOG.md")
        .contains("⇡ pushed dockhand/", "⇄ pull request", "✔ succeeded")
        .contains("tokens  in ", "cost $", "time   queued", "pull request http");
    assertThat(printed)
        .doesNotContain(harness.token(), ServerHarness.GIT_TOKEN, ServerHarness.API_KEY);
  }

  @Test
  void submitAddsTheHostsGivenWithEgressAllowAndAnEntryTheServerRefusesIsOneLineNamingIt() {
    harness.model.script(text("Done."));
    String server = harness.origin().toString();
    int status =
        run(
            "submit",
            "--server",
            server,
            "--token",
            harness.token(),
            "--repo",
            "acme/widgets",
            "--prompt",
            "Use the mirror",
            "--egress-allow",
            "mirror.example.com,*.example.org,",
            "--egress-allow",
            "pypi.example.net:8443");
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    String id = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(harness.task(id).path("egressAllow"))
        .extracting(com.fasterxml.jackson.databind.JsonNode::asText)
        .containsExactly("mirror.example.com", "*.example.org", "pypi.example.net:8443");

    status =
        run(
            "submit",
            "--server",
            server,
            "--token",
            harness.token(),
            "--repo",
            "acme/widgets",
            "--prompt",
            "Reach the metadata service",
            "--egress-allow",
            "169.254.169.254");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("egressAllow", "169.254.169.254");
  }

  @Test
  void tasksListsWhatWasSubmittedAndCancelEndsAQueuedTask() {
    harness.model.script(text("Done."));
    String id = harness.submit("acme/widgets", "First").path("id").asText();
    assertThat(run("tasks", "--server", harness.origin().toString(), "--token", harness.token()))
        .isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(id, "acme/widgets");

    assertThat(
            run(
                "cancel",
                "--server",
                harness.origin().toString(),
                "--token",
                harness.token(),
                "no-such-task"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("404");
  }

  @Test
  void tokensCanBeCreatedListedAndRevoked() {
    String server = harness.origin().toString();
    assertThat(run("token", "create", "laptop", "--server", server, "--token", harness.token()))
        .isZero();
    String created = out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    assertThat(created).startsWith("dh_");
    out.reset();
    assertThat(run("tasks", "--server", server, "--token", created))
        .as("the new token works")
        .isZero();
    assertThat(run("token", "list", "--server", server, "--token", harness.token())).isZero();
    String listing = out.toString(StandardCharsets.UTF_8);
    assertThat(listing).contains("laptop").doesNotContain(created);
    String tokenId =
        listing
            .lines()
            .filter(line -> line.contains("laptop"))
            .findFirst()
            .orElseThrow()
            .split("\\s+")[0];
    assertThat(run("token", "revoke", tokenId, "--server", server, "--token", harness.token()))
        .isZero();
    assertThat(run("tasks", "--server", server, "--token", created))
        .as("a revoked token is refused")
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("401");
  }

  @Test
  void aServerThatIsNotThereIsOneClearLine() {
    assertThat(run("tasks", "--server", "http://127.0.0.1:9", "--token", "dh_x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo(
            "dockhand: cannot reach the server at http://127.0.0.1:9 (is `dockhand serve` running?)");
  }
}
