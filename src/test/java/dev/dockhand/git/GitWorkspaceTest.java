package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitWorkspaceTest {
  private static final String TOKEN = "ghs_workspace_test_token_7f3a9c";
  private static final Secret SECRET = new Secret(TOKEN);
  private static final GitIdentity USER = new GitIdentity("Ada Lovelace", "ada@example.org");
  private static final AtomicInteger REPOS = new AtomicInteger();

  private static GitHttpServer server;
  private static GitSettings settings;

  @TempDir Path temp;

  @BeforeAll
  static void startServer() {
    server = GitHttpServer.start(TOKEN);
    settings = GitSettings.from(new Env(server.environment()));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void clonesTheDefaultBranchAndRemembersWhereItStarted() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n", "src/app.txt", "v1\n"));

    GitWorkspace workspace = cloneOf(name, Optional.empty());

    assertThat(workspace.baseBranch()).isEqualTo("main");
    assertThat(workspace.baseCommit()).isEqualTo(server.head(name, "main").orElseThrow().id());
    assertThat(Files.readString(workspace.workTree().resolve("src/app.txt"))).isEqualTo("v1\n");
  }

  @Test
  void clonesTheBranchItIsAskedFor() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    String release = server.commit(name, "release", Map.of("VERSION", "2\n"), "Release 2");

    GitWorkspace workspace = cloneOf(name, Optional.of("release"));

    assertThat(workspace.baseBranch()).isEqualTo("release");
    assertThat(workspace.baseCommit()).isEqualTo(release);
    assertThat(Files.readString(workspace.workTree().resolve("VERSION"))).isEqualTo("2\n");
  }

  @Test
  void aWrongTokenIsRefusedWithoutRepeatingIt() {
    String name = newRepo(Map.of("README.md", "hello\n"));
    Path repoDir = temp.resolve("host.git");
    Path workTree = temp.resolve("ws");

    assertThatThrownBy(
            () ->
                GitWorkspace.clone(
                    repo(name),
                    Optional.empty(),
                    Optional.empty(),
                    repoDir,
                    workTree,
                    new Secret("ghs_wrong_token_123"),
                    WorkspaceLimits.DEFAULT))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("git_auth");
              assertThat(e.retryable()).isFalse();
            })
        .hasMessage("the git server refused the token for " + server.hostAndPort())
        .hasMessageNotContaining("ghs_wrong_token_123");
    assertThat(repoDir).isEmptyDirectory();
    assertThat(workTree).isEmptyDirectory();
  }

  @Test
  void aMissingRepositoryIsReportedAsSuch() {
    assertThatThrownBy(() -> cloneOf("acme/does-not-exist", Optional.empty()))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("repo_not_found");
              assertThat(e.retryable()).isFalse();
            })
        .hasMessageContaining("acme/does-not-exist");
  }

  @Test
  void aMissingBranchIsReportedAsSuch() {
    String name = newRepo(Map.of("README.md", "hello\n"));

    assertThatThrownBy(() -> cloneOf(name, Optional.of("no-such-branch")))
        .isInstanceOfSatisfying(
            GitException.class, e -> assertThat(e.code()).isEqualTo("branch_not_found"))
        .hasMessageContaining("no-such-branch");
  }

  @Test
  void anUnreachableServerIsANetworkErrorWorthRetrying() {
    GitHttpServer gone = GitHttpServer.start(TOKEN);
    GitSettings goneSettings = GitSettings.from(new Env(gone.environment()));
    RepoUrl repo = RepoUrl.parse("acme/widgets", goneSettings);
    gone.close();

    assertThatThrownBy(
            () ->
                GitWorkspace.clone(
                    repo,
                    Optional.empty(),
                    Optional.empty(),
                    temp.resolve("host.git"),
                    temp.resolve("ws"),
                    SECRET,
                    WorkspaceLimits.DEFAULT))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("git_network");
              assertThat(e.retryable()).isTrue();
            });
  }

  @Test
  void aHostileBranchNameIsRefusedBeforeGitRuns() {
    String name = newRepo(Map.of("README.md", "hello\n"));
    int before = server.requests().size();

    assertThatThrownBy(() -> cloneOf(name, Optional.of("--upload-pack=touch /tmp/pwned")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("branch"));
    assertThat(server.requests()).hasSize(before);
  }

  @Test
  void commitsAdditionsEditsAndDeletionsButNotIgnoredFiles() throws IOException {
    String name =
        newRepo(Map.of(".gitignore", "build/\n*.log\n", "keep.txt", "old\n", "gone.txt", "bye\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Files.writeString(workspace.workTree().resolve("keep.txt"), "new\n");
    Files.delete(workspace.workTree().resolve("gone.txt"));
    Files.createDirectories(workspace.workTree().resolve("docs"));
    Files.writeString(workspace.workTree().resolve("docs/added.md"), "# added\n");
    Files.createDirectories(workspace.workTree().resolve("build"));
    Files.writeString(workspace.workTree().resolve("build/out.bin"), "ignored");
    Files.writeString(workspace.workTree().resolve("debug.log"), "ignored");

    String commit = workspace.commitAll("Tidy the files", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/t1", SECRET);

    assertThat(server.files(name, "dockhand/t1"))
        .containsOnly(
            Map.entry(".gitignore", "build/\n*.log\n"),
            Map.entry("keep.txt", "new\n"),
            Map.entry("docs/added.md", "# added\n"));
    GitHttpServer.CommitInfo pushed = server.head(name, "dockhand/t1").orElseThrow();
    assertThat(pushed.id()).isEqualTo(commit);
    assertThat(pushed.parents()).containsExactly(workspace.baseCommit());
    assertThat(pushed.author().getName()).isEqualTo("Dockhand Agent");
    assertThat(pushed.author().getEmailAddress()).isEqualTo("agent@dockhand.invalid");
    assertThat(pushed.message())
        .isEqualTo("Tidy the files\n\nCo-authored-by: Ada Lovelace <ada@example.org>\n");
  }

  @Test
  void anUntouchedWorkspaceHasNothingToCommit() {
    GitWorkspace workspace = cloneOf(newRepo(Map.of("README.md", "hello\n")), Optional.empty());

    assertThat(workspace.commitAll("Nothing", GitIdentity.AGENT, USER)).isEmpty();
  }

  @Test
  void aPushReplacesTheTasksOwnBranchOnRetry() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    GitWorkspace first = cloneOf(name, Optional.empty());
    Files.writeString(first.workTree().resolve("attempt.txt"), "1\n");
    first.commitAll("Attempt 1", GitIdentity.AGENT, USER);
    first.push("dockhand/retry", SECRET);

    GitWorkspace second = cloneOf(name, Optional.empty());
    Files.writeString(second.workTree().resolve("attempt.txt"), "2\n");
    String commit = second.commitAll("Attempt 2", GitIdentity.AGENT, USER).orElseThrow();
    second.push("dockhand/retry", SECRET);

    assertThat(server.head(name, "dockhand/retry").orElseThrow().id()).isEqualTo(commit);
    assertThat(server.files(name, "dockhand/retry")).containsEntry("attempt.txt", "2\n");
    assertThat(server.branches(name)).containsExactly("dockhand/retry", "main");
  }

  @Test
  void aPushTheServerRejectsSaysWhy() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    server.rejectPushes(name, "pushes are frozen for the release");
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Files.writeString(workspace.workTree().resolve("change.txt"), "x\n");
    workspace.commitAll("Change", GitIdentity.AGENT, USER);

    assertThatThrownBy(() -> workspace.push("dockhand/frozen", SECRET))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("push_rejected");
              assertThat(e.retryable()).isFalse();
            })
        .hasMessageContaining("dockhand/frozen")
        .hasMessageContaining("pre-receive hook declined")
        .hasMessageContaining("pushes are frozen for the release");
    assertThat(server.branches(name)).containsExactly("main");
  }

  @Test
  void aPushWithAWrongTokenIsRefused() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Files.writeString(workspace.workTree().resolve("change.txt"), "x\n");
    workspace.commitAll("Change", GitIdentity.AGENT, USER);

    assertThatThrownBy(() -> workspace.push("dockhand/t2", new Secret("ghs_expired")))
        .isInstanceOfSatisfying(GitException.class, e -> assertThat(e.code()).isEqualTo("git_auth"))
        .hasMessageNotContaining("ghs_expired");
  }

  @Test
  void noFileInTheWorkspaceHoldsTheTokenAfterCloneCommitAndPush() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Files.writeString(workspace.workTree().resolve("change.txt"), "x\n");
    workspace.commitAll("Change", GitIdentity.AGENT, USER);
    workspace.push("dockhand/t3", SECRET);

    List<Path> files;
    try (Stream<Path> worktree = Files.walk(workspace.workTree());
        Stream<Path> host = Files.walk(workspace.repoDir())) {
      files = Stream.concat(worktree, host).filter(Files::isRegularFile).toList();
    }
    assertThat(files)
        .contains(workspace.workTree().resolve(".git/config"), workspace.repoDir().resolve("config"));
    for (Path file : files) {
      assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
          .as(file.toString())
          .doesNotContain(TOKEN)
          .doesNotContain(
              java.util.Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes()));
    }
  }

  @Test
  void theDiffShowsTheTasksChangesAsAUnifiedDiff() throws IOException {
    String name = newRepo(Map.of("app.txt", "one\ntwo\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Files.writeString(workspace.workTree().resolve("app.txt"), "one\nthree\n");
    String commit = workspace.commitAll("Edit", GitIdentity.AGENT, USER).orElseThrow();

    String diff = workspace.diff(workspace.baseCommit(), commit);

    assertThat(diff)
        .startsWith("diff --git a/app.txt b/app.txt\n")
        .contains("--- a/app.txt\n+++ b/app.txt\n")
        .contains("-two\n+three\n");
  }

  private String newRepo(Map<String, String> files) {
    String name = "acme/repo-" + REPOS.incrementAndGet();
    server.createRepo(name, files);
    return name;
  }

  private RepoUrl repo(String name) {
    return RepoUrl.parse(name, settings);
  }

  private GitWorkspace cloneOf(String name, Optional<String> branch) {
    Path parent = temp.resolve("task-" + REPOS.incrementAndGet());
    return TaskClones.cloneAndCheckOut(
        repo(name), branch, Optional.empty(), parent, SECRET, WorkspaceLimits.DEFAULT);
  }
}
