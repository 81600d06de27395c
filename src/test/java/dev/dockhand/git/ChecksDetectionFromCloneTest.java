package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.env.ChecksCommand;
import dev.dockhand.env.ChecksDetection;
import dev.dockhand.env.RepoEnvironment;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks detected from a real clone: what the starting commit holds, read from the host's own
 * repository, links never followed, and nothing the work tree holds that the commit does not.
 */
class ChecksDetectionFromCloneTest {
  private static final String TOKEN = "ghs_checks_detection_token_51c0";
  private static final String REPO = "acme/checks";

  @TempDir Path temp;
  private GitHttpServer git;
  private GitSettings settings;

  @BeforeEach
  void start() {
    git = GitHttpServer.start(TOKEN);
    settings = GitSettings.from(new Env(git.environment()));
  }

  @AfterEach
  void stop() {
    git.close();
  }

  @Test
  void aTestsDirectoryOfTheStartingCommitCallsForPytest() {
    git.createRepo(
        REPO, Map.of("README.md", "# x\n", "tests/test_widget.py", "def test_x(): pass\n"));

    GitWorkspace workspace = cloneOf(Optional.empty(), "first");

    assertThat(detect(workspace)).contains(new ChecksCommand("python3 -m pytest", "tests/"));
    assertThat(workspace.startDirectory("", 10)).containsExactly("README.md");
    assertThat(workspace.startDirectory("README.md", 10)).as("a file is no directory").isEmpty();
  }

  @Test
  void linksAreNeverFollowedAndTheWorkTreeIsNotRead() throws IOException {
    git.createRepo(REPO, Map.of("real.json", "{\"scripts\":{\"test\":\"jest\"}}", "x.py", ""));
    GitWorkspace first = cloneOf(Optional.empty(), "first");
    Path tree = first.workTree();
    Files.createSymbolicLink(tree.resolve("package.json"), Path.of("real.json"));
    Files.createDirectories(tree.resolve("tests"));
    Files.createSymbolicLink(tree.resolve("tests/test_linked.py"), Path.of("../x.py"));
    Files.createSymbolicLink(tree.resolve("Makefile"), Path.of("/etc/passwd"));
    first.commitAll("Links", GitIdentity.AGENT, GitIdentity.AGENT).orElseThrow();
    first.push("dockhand/links", new Secret(TOKEN));

    GitWorkspace resumed = cloneOf(Optional.of("dockhand/links"), "second");
    Files.writeString(resumed.workTree().resolve("go.mod"), "module written.by/the-agent\n");

    assertThat(resumed.startFile("package.json", 100)).isEmpty();
    assertThat(detect(resumed)).isEmpty();
  }

  private static Optional<ChecksCommand> detect(GitWorkspace workspace) {
    return ChecksDetection.resolve(
        RepoEnvironment.NONE, workspace::startFile, workspace::startDirectory);
  }

  private GitWorkspace cloneOf(Optional<String> taskBranch, String dir) {
    return TaskClones.cloneAndCheckOut(
        RepoUrl.parse(REPO, settings),
        Optional.empty(),
        taskBranch,
        temp.resolve(dir),
        new Secret(TOKEN),
        WorkspaceLimits.DEFAULT);
  }
}
