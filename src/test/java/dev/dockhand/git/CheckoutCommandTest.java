package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox, not the host, materialises the repository: the checkout command, run by git as an
 * unprivileged user in the worktree (as the container's user would), turns the {@code .git} the
 * clone wrote into a clean checkout of the working branch.
 */
class CheckoutCommandTest {
  private static final String TOKEN = "ghs_checkout_test_token_3c9e";
  private static final Secret SECRET = new Secret(TOKEN);
  private static final String REPO = "acme/widgets";
  private static final String SANDBOX_ID = "65534";
  private static final List<String> AS_SANDBOX_USER =
      List.of("setpriv", "--reuid=" + SANDBOX_ID, "--regid=" + SANDBOX_ID, "--clear-groups", "--");

  @TempDir Path temp;
  private GitHttpServer server;
  private RepoUrl repo;

  @BeforeEach
  void start() throws IOException {
    server = GitHttpServer.start(TOKEN);
    server.createRepo(REPO, Map.of("README.md", "hello\n", "src/app.txt", "v1\n"));
    repo = RepoUrl.parse(REPO, GitSettings.from(new Env(server.environment())));
    // The sandbox user must be able to reach the worktree, as it can at /workspace.
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theCheckoutCommandPopulatesTheWorktreeAsTheSandboxUser() throws IOException {
    GitWorkspace workspace = cloned(Optional.empty());

    TaskClones.checkOut(workspace, AS_SANDBOX_USER);

    Path tree = workspace.workTree();
    assertThat(Files.readString(tree.resolve("src/app.txt"))).isEqualTo("v1\n");
    assertThat(
            Files.getAttribute(tree.resolve("src/app.txt"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(Integer.parseInt(SANDBOX_ID));
    assertThat(git(tree, "status", "--porcelain")).isEmpty();
    assertThat(git(tree, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("main\n");
    assertThat(git(tree, "rev-parse", "HEAD")).isEqualTo(workspace.baseCommit() + "\n");
    assertThat(git(tree, "rev-parse", "origin/main")).isEqualTo(workspace.baseCommit() + "\n");
    assertThat(git(tree, "remote", "get-url", "origin")).isEqualTo(server.url(REPO) + "\n");
  }

  @Test
  void aResumedTaskStartsFromItsBranchAndCommitsOnTopOfIt() throws IOException {
    String base = server.head(REPO, "main").orElseThrow().id();
    String taskTip =
        server.commit(REPO, "dockhand/abc", Map.of("first.txt", "one\n"), "Earlier attempt");
    server.commit(REPO, "main", Map.of("UPSTREAM.md", "meanwhile\n"), "Someone else's work");
    GitWorkspace workspace = cloned(Optional.of("dockhand/abc"));

    TaskClones.checkOut(workspace, AS_SANDBOX_USER);

    Path tree = workspace.workTree();
    assertThat(git(tree, "rev-parse", "--abbrev-ref", "HEAD")).isEqualTo("dockhand/abc\n");
    assertThat(tree.resolve("first.txt")).hasContent("one");
    assertThat(tree.resolve("UPSTREAM.md")).doesNotExist();
    assertThat(workspace.baseBranch()).isEqualTo("main");
    assertThat(workspace.baseCommit()).isEqualTo(base);
    Files.writeString(tree.resolve("second.txt"), "two\n");
    String commit =
        workspace
            .commitAll("More", GitIdentity.AGENT, new GitIdentity("Ada", "ada@example.org"))
            .orElseThrow();
    workspace.push("dockhand/abc", SECRET);
    assertThat(server.head(REPO, "dockhand/abc").orElseThrow().parents()).containsExactly(taskTip);
    assertThat(server.files(REPO, "dockhand/abc")).containsKeys("first.txt", "second.txt");
    assertThat(server.head(REPO, "dockhand/abc").orElseThrow().id()).isEqualTo(commit);
  }

  private GitWorkspace cloned(Optional<String> taskBranch) throws IOException {
    GitWorkspace workspace =
        GitWorkspace.clone(
            repo,
            Optional.of("main"),
            taskBranch,
            temp.resolve("host.git"),
            temp.resolve("ws"),
            SECRET,
            WorkspaceLimits.DEFAULT);
    // What the sandbox does before the container starts: the worktree belongs to its user.
    try (Stream<Path> paths = Files.walk(workspace.workTree())) {
      for (Path path : paths.toList()) {
        Files.setAttribute(
            path, "unix:uid", Integer.parseInt(SANDBOX_ID), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(
            path, "unix:gid", Integer.parseInt(SANDBOX_ID), LinkOption.NOFOLLOW_LINKS);
      }
    }
    return workspace;
  }

  private static String git(Path tree, String... args) {
    List<String> command =
        Stream.concat(AS_SANDBOX_USER.stream(), Stream.concat(Stream.of("git"), Stream.of(args)))
            .toList();
    return TaskClones.run(tree, command);
  }
}
