package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A huge or deep worktree ends the commit with a clear reason instead of exhausting the host. */
class WorkspaceBoundsTest {
  private static final String TOKEN = "ghs_bounds_test_token_0b1d";
  private static final Secret SECRET = new Secret(TOKEN);
  private static final GitIdentity USER = new GitIdentity("Ada", "ada@example.org");
  private static final AtomicInteger REPOS = new AtomicInteger();

  private static GitHttpServer server;

  @TempDir Path temp;
  private GitWorkspace workspace;

  @BeforeAll
  static void startServer() {
    server = GitHttpServer.start(TOKEN);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Trees deeper than PATH_MAX cannot be removed by absolute paths, so rm does it. */
  @AfterEach
  void removeDeepTrees() {
    if (workspace != null) {
      TaskClones.run(temp, List.of("rm", "-rf", workspace.workTree().toString()));
    }
  }

  @Test
  void aTreeDeeperThanTheLimitIsRefusedWithoutOverflowingTheStack() {
    workspace = workspace(WorkspaceLimits.DEFAULT);
    nest("level", 1000);

    assertThatThrownBy(() -> workspace.commitAll("Deep", GitIdentity.AGENT, USER))
        .isInstanceOfSatisfying(
            GitException.class, e -> assertThat(e.code()).isEqualTo("git_workspace"))
        .hasMessageContaining("the worktree is more than 256 directories deep (at level/level/");
  }

  @Test
  void aTreeWithinTheDepthLimitIsCommitted() throws IOException {
    workspace = workspace(WorkspaceLimits.DEFAULT);
    nest("d", 200);
    Files.writeString(workspace.workTree().resolve("d/".repeat(200) + "leaf.txt"), "leaf\n");

    assertThat(workspace.commitAll("Deep", GitIdentity.AGENT, USER)).isPresent();
    workspace.push("dockhand/deep", SECRET);
    assertThat(server.files(workspace.repo().fullName(), "dockhand/deep"))
        .containsEntry("d/".repeat(200) + "leaf.txt", "leaf\n");
  }

  @Test
  void aPathLongerThanTheLimitIsRefused() {
    workspace = workspace(WorkspaceLimits.DEFAULT);
    nest("n".repeat(240), 20);

    assertThatThrownBy(() -> workspace.commitAll("Long", GitIdentity.AGENT, USER))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("is longer than 4096 bytes");
  }

  @Test
  void moreFilesThanTheLimitAreRefused() throws IOException {
    workspace = workspace(limits(1_000, 1L << 20, 1L << 30));
    Path many = Files.createDirectories(workspace.workTree().resolve("many"));
    for (int i = 0; i < 1_000; i++) {
      Files.writeString(many.resolve("f" + i), "x");
    }

    assertThatThrownBy(() -> workspace.commitAll("Many", GitIdentity.AGENT, USER))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("the worktree holds more than 1000 files and directories");
  }

  @Test
  void anIgnoredDirectoryIsNotEnteredSoItsFilesDoNotCount() throws IOException {
    workspace = workspace(limits(100, 1L << 20, 1L << 30));
    Files.writeString(workspace.workTree().resolve(".gitignore"), "node_modules/\n");
    Path modules = Files.createDirectories(workspace.workTree().resolve("node_modules"));
    for (int i = 0; i < 500; i++) {
      Files.writeString(modules.resolve("m" + i), "x");
    }

    assertThat(workspace.commitAll("Ignore", GitIdentity.AGENT, USER)).isPresent();
  }

  @Test
  void aFileLargerThanTheLimitIsRefused() throws IOException {
    workspace = workspace(limits(1_000, 1_000, 1L << 30));
    Files.write(workspace.workTree().resolve("big.bin"), new byte[1_001]);

    assertThatThrownBy(() -> workspace.commitAll("Big", GitIdentity.AGENT, USER))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("big.bin is 1001 bytes, more than the 1000 a file may have");
  }

  @Test
  void filesAddingUpToMoreThanTheLimitAreRefused() throws IOException {
    workspace = workspace(limits(1_000, 1_000, 1_500));
    Files.write(workspace.workTree().resolve("one.bin"), new byte[1_000]);
    Files.write(workspace.workTree().resolve("two.bin"), new byte[1_000]);

    assertThatThrownBy(() -> workspace.commitAll("Big", GitIdentity.AGENT, USER))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("the worktree's files add up to more than 1500 bytes");
  }

  private static WorkspaceLimits limits(int entries, long fileBytes, long totalBytes) {
    return new WorkspaceLimits(Duration.ofMinutes(1), 256, 4096, entries, fileBytes, totalBytes);
  }

  private GitWorkspace workspace(WorkspaceLimits limits) {
    String name = "acme/bounds-" + REPOS.incrementAndGet();
    server.createRepo(name, Map.of("README.md", "hello\n"));
    RepoUrl repo = RepoUrl.parse(name, GitSettings.from(new Env(server.environment())));
    return TaskClones.cloneAndCheckOut(
        repo, Optional.empty(), Optional.empty(), temp, SECRET, limits);
  }

  /**
   * {@code levels} nested directories named {@code name}; GNU {@code mkdir -p} goes one relative
   * step at a time, so the whole path may be longer than PATH_MAX.
   */
  private void nest(String name, int levels) {
    TaskClones.run(workspace.workTree(), List.of("mkdir", "-p", (name + "/").repeat(levels)));
  }
}
