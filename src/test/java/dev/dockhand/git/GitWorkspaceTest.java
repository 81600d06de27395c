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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
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
        .contains(
            workspace.workTree().resolve(".git/config"), workspace.repoDir().resolve("config"));
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

  @Test
  void theHostChecksOutNothingAndKeepsItsRepositoryOutsideTheWorktree() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    Path workTree = temp.resolve("ws");

    GitWorkspace workspace =
        GitWorkspace.clone(
            repo(name),
            Optional.empty(),
            Optional.empty(),
            temp.resolve("host.git"),
            workTree,
            SECRET,
            WorkspaceLimits.DEFAULT);

    try (Stream<Path> entries = Files.list(workTree)) {
      assertThat(entries).containsExactly(workTree.resolve(".git"));
    }
    assertThat(workspace.repoDir()).isDirectory();
    assertThat(workspace.repoDir().startsWith(workTree)).isFalse();
    assertThat(workTree.resolve(".git/index")).doesNotExist();
    assertThat(Files.readString(workTree.resolve(".git/HEAD"))).isEqualTo("ref: refs/heads/main\n");
    assertThat(Files.readString(workTree.resolve(".git/config")))
        .contains("bare = false", "url = \"" + server.url(name) + "\"");
  }

  @Test
  void gitsHousekeepingNeverStartsOnItsOwnInTheWorktreeOrTheHostRepository() throws Exception {
    String name = newRepo(Map.of("README.md", "hello\n"));
    Path workTree = temp.resolve("ws");
    Path hostRepo = temp.resolve("host.git");

    GitWorkspace.clone(
        repo(name),
        Optional.empty(),
        Optional.empty(),
        hostRepo,
        workTree,
        SECRET,
        WorkspaceLimits.DEFAULT);

    assertThat(gitConfig(workTree, "gc.auto")).isEqualTo("0");
    assertThat(gitConfig(workTree, "maintenance.auto")).isEqualTo("false");
    assertThat(gitConfig(hostRepo, "gc.auto")).isEqualTo("0");
    assertThat(gitConfig(hostRepo, "maintenance.auto")).isEqualTo("false");
  }

  @Test
  void aFaultOfTheHostsDiskWhilePreparingTheCloneIsRetryable() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    Path notADirectory = Files.writeString(temp.resolve("plain-file"), "in the way\n");

    assertThatThrownBy(
            () ->
                GitWorkspace.clone(
                    repo(name),
                    Optional.empty(),
                    Optional.empty(),
                    temp.resolve("host.git"),
                    notADirectory.resolve("ws"),
                    SECRET,
                    WorkspaceLimits.DEFAULT))
        .isInstanceOfSatisfying(
            GitException.class,
            error -> {
              assertThat(error.retryable()).isTrue();
              assertThat(error.code()).isEqualTo("git_workspace");
              assertThat(error.getMessage())
                  .isEqualTo(
                      "the host could not prepare the task workspace: cannot create the clone"
                          + " directory (FileSystemException)");
            });
  }

  /** What git itself reads from the repository's own config (not the user's or the system's). */
  private static String gitConfig(Path repository, String key) throws Exception {
    Process git =
        new ProcessBuilder(
                "git",
                "-c",
                "safe.directory=*",
                "-C",
                repository.toString(),
                "config",
                "--local",
                "--get",
                key)
            .redirectErrorStream(true)
            .start();
    String value = new String(git.getInputStream().readAllBytes()).strip();
    assertThat(git.waitFor()).as(value).isZero();
    return value;
  }

  @Test
  void filesTrackedByTheBaseStayTrackedEvenWhenIgnored() throws IOException {
    String name =
        newRepo(
            Map.of(
                ".gitignore", "*.log\nbuild/\n",
                "tracked.log", "t1\n",
                "build/tracked.txt", "b1\n",
                "logs/.gitignore", "!important.log\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Path tree = workspace.workTree();
    Files.writeString(tree.resolve("tracked.log"), "t2\n");
    Files.writeString(tree.resolve("build/tracked.txt"), "b2\n");
    Files.writeString(tree.resolve("build/new.txt"), "ignored\n");
    Files.writeString(tree.resolve("new.log"), "ignored\n");
    Files.writeString(tree.resolve("logs/important.log"), "kept\n");
    Files.writeString(tree.resolve("logs/other.log"), "ignored\n");

    workspace.commitAll("Logs", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/ignored", SECRET);

    assertThat(server.files(name, "dockhand/ignored"))
        .containsOnly(
            Map.entry(".gitignore", "*.log\nbuild/\n"),
            Map.entry("tracked.log", "t2\n"),
            Map.entry("build/tracked.txt", "b2\n"),
            Map.entry("logs/.gitignore", "!important.log\n"),
            Map.entry("logs/important.log", "kept\n"));
  }

  @Test
  void theExecutableBitAndSymbolicLinksAreCommittedAndCheckedOutAgain() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n", "old/dir/file.txt", "bye\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Path tree = workspace.workTree();
    Files.writeString(tree.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(
        tree.resolve("run.sh"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(tree.resolve("readme-link"), Path.of("README.md"));
    TaskClones.run(tree, List.of("rm", "-r", "old"));

    workspace.commitAll("Modes", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/modes", SECRET);

    assertThat(TaskClones.modes(server.repoDir(name), "dockhand/modes"))
        .containsOnly(
            Map.entry("README.md", FileMode.REGULAR_FILE),
            Map.entry("run.sh", FileMode.EXECUTABLE_FILE),
            Map.entry("readme-link", FileMode.SYMLINK));
    assertThat(server.files(name, "dockhand/modes")).containsEntry("readme-link", "README.md");
    GitWorkspace again = cloneOf(name, Optional.of("dockhand/modes"));
    assertThat(again.workTree().resolve("run.sh")).isExecutable();
    assertThat(Files.readSymbolicLink(again.workTree().resolve("readme-link")))
        .isEqualTo(Path.of("README.md"));
  }

  @Test
  void aSubmoduleTheBaseTracksKeepsItsRecordedCommit() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    ObjectId pinned = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
    withSubmodule(server.repoDir(name), "lib", pinned);
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Path lib = Files.createDirectories(workspace.workTree().resolve("lib/.git"));
    Files.writeString(lib.resolveSibling("inside.txt"), "the agent's clone\n");
    Files.writeString(workspace.workTree().resolve("change.txt"), "x\n");

    workspace.commitAll("Change", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/submodule", SECRET);

    assertThat(TaskClones.modes(server.repoDir(name), "dockhand/submodule"))
        .containsOnly(
            Map.entry("README.md", FileMode.REGULAR_FILE),
            Map.entry("change.txt", FileMode.REGULAR_FILE),
            Map.entry("lib", FileMode.GITLINK));
    try (Repository repository =
            new FileRepositoryBuilder().setGitDir(server.repoDir(name).toFile()).build();
        TreeWalk walk =
            TreeWalk.forPath(
                repository,
                "lib",
                repository.parseCommit(repository.resolve("dockhand/submodule")).getTree())) {
      assertThat(walk.getObjectId(0)).isEqualTo(pinned);
    }
  }

  /** Adds a commit to main of a bare repository that records {@code path} as a submodule. */
  private static void withSubmodule(Path bareRepo, String path, ObjectId commit)
      throws IOException {
    try (Repository repository = new FileRepositoryBuilder().setGitDir(bareRepo.toFile()).build();
        ObjectInserter inserter = repository.newObjectInserter()) {
      RevCommit main = repository.parseCommit(repository.resolve("main"));
      TreeFormatter tree = new TreeFormatter();
      try (TreeWalk walk = new TreeWalk(repository)) {
        walk.addTree(main.getTree());
        while (walk.next()) {
          tree.append(walk.getNameString(), walk.getFileMode(0), walk.getObjectId(0));
        }
      }
      tree.append(path, FileMode.GITLINK, commit);
      CommitBuilder builder = new CommitBuilder();
      builder.setTreeId(inserter.insert(tree));
      builder.setParentId(main);
      builder.setAuthor(new PersonIdent("Seed", "seed@example.invalid"));
      builder.setCommitter(new PersonIdent("Seed", "seed@example.invalid"));
      builder.setMessage("Add a submodule");
      ObjectId id = inserter.insert(builder);
      inserter.flush();
      RefUpdate update = repository.updateRef("refs/heads/main");
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      assertThat(update.update()).isEqualTo(RefUpdate.Result.FORCED);
    }
  }

  @Test
  void commitsTheAgentMadeInTheContainerAreNotCarriedOverButTheirFilesAre() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Path tree = workspace.workTree();
    Files.writeString(tree.resolve("agent.txt"), "committed by the agent\n");
    TaskClones.run(tree, List.of("git", "add", "agent.txt"));
    TaskClones.run(
        tree,
        List.of("git", "-c", "user.name=A", "-c", "user.email=a@b", "commit", "-qm", "agent's"));

    String commit = workspace.commitAll("Work", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/agent-commit", SECRET);

    GitHttpServer.CommitInfo pushed = server.head(name, "dockhand/agent-commit").orElseThrow();
    assertThat(pushed.id()).isEqualTo(commit);
    assertThat(pushed.parents()).containsExactly(workspace.baseCommit());
    assertThat(server.files(name, "dockhand/agent-commit"))
        .containsEntry("agent.txt", "committed by the agent\n");
  }

  @Test
  void aDiffLongerThanTheCapIsCutWithAClosingLine() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    String line = "0123456789".repeat(9) + "\n";
    Files.writeString(
        workspace.workTree().resolve("big.txt"),
        line.repeat(GitWorkspace.MAX_DIFF_CHARS / line.length() + 1000));
    String commit = workspace.commitAll("Big", GitIdentity.AGENT, USER).orElseThrow();

    String diff = workspace.diff(workspace.baseCommit(), commit);

    String marker = "\n# diff cut at " + GitWorkspace.MAX_DIFF_CHARS + " characters\n";
    assertThat(diff)
        .startsWith("diff --git a/big.txt b/big.txt\n")
        .endsWith(marker)
        .hasSize(GitWorkspace.MAX_DIFF_CHARS + marker.length());
  }

  @Test
  void aFileOverTheBigFileThresholdIsShownAsBinary() throws IOException {
    String name = newRepo(Map.of("README.md", "hello\n"));
    GitWorkspace workspace = cloneOf(name, Optional.empty());
    Files.write(
        workspace.workTree().resolve("huge.txt"),
        "a line of text\n".repeat(CappedDiff.BIG_FILE_BYTES / 15 + 1).getBytes());
    String commit = workspace.commitAll("Huge", GitIdentity.AGENT, USER).orElseThrow();

    String diff = workspace.diff(workspace.baseCommit(), commit);

    assertThat(diff).contains("Binary files differ").hasSizeLessThan(1000);
  }

  @Test
  void aCloneThatOutlastsItsDeadlineEndsWithAClearReason() throws IOException {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      String host = "127.0.0.1:" + silent.getLocalPort();
      GitSettings stalled =
          GitSettings.from(
              new Env(
                  Map.of(
                      "DOCKHAND_GIT_HOSTS",
                      host,
                      "DOCKHAND_ALLOW_HTTP_GIT",
                      "true",
                      "GITHUB_URL",
                      "http://" + host)));
      WorkspaceLimits defaults = WorkspaceLimits.DEFAULT;
      WorkspaceLimits oneSecond =
          new WorkspaceLimits(
              Duration.ofSeconds(1),
              defaults.maxDepth(),
              defaults.maxPathBytes(),
              defaults.maxEntries(),
              defaults.maxFileBytes(),
              defaults.maxTotalBytes());

      assertThatThrownBy(
              () ->
                  GitWorkspace.clone(
                      RepoUrl.parse("acme/slow", stalled),
                      Optional.empty(),
                      Optional.empty(),
                      temp.resolve("host.git"),
                      temp.resolve("ws"),
                      SECRET,
                      oneSecond))
          .isInstanceOfSatisfying(
              GitException.class, e -> assertThat(e.code()).isEqualTo("git_clone_timeout"))
          .hasMessage("the clone took longer than 1 second");
      assertThat(temp.resolve("ws")).isEmptyDirectory();
    }
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
