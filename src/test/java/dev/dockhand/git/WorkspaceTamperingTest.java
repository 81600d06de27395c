package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.FileMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the agent does to the worktree's {@code .git} or plants among its files inside the
 * container, the host creates, changes and reads nothing outside the workspace, commits exactly the
 * worktree's files, and pushes them to the real server. The directory {@code outside} sits next to
 * the task's directories, where a path that climbs out of {@code .git} lands.
 */
class WorkspaceTamperingTest {
  private static final String TOKEN = "ghs_tampering_test_token_51e0";
  private static final Secret SECRET = new Secret(TOKEN);
  private static final GitIdentity USER = new GitIdentity("Ada", "ada@example.org");
  private static final String REPO = "acme/widgets";
  private static final String SECRET_TEXT = "the host's secret, 7d1c\n";
  private static final Map<String, String> COMMITTED =
      Map.of("README.md", "hello\n", "change.txt", "x\n");

  @TempDir Path temp;
  private GitHttpServer server;
  private GitHttpServer attacker;
  private GitWorkspace workspace;
  private Path gitDir;
  private Path outside;
  private Map<String, String> before;

  @BeforeEach
  void cloneAndChange() throws IOException {
    server = GitHttpServer.start(TOKEN);
    attacker = GitHttpServer.start(TOKEN);
    server.createRepo(REPO, Map.of("README.md", "hello\n"));
    RepoUrl repo = RepoUrl.parse(REPO, GitSettings.from(new Env(server.environment())));
    workspace =
        TaskClones.cloneAndCheckOut(
            repo,
            Optional.empty(),
            Optional.empty(),
            temp.resolve("task"),
            SECRET,
            WorkspaceLimits.DEFAULT);
    Files.writeString(workspace.workTree().resolve("change.txt"), "x\n");
    gitDir = workspace.workTree().resolve(".git");
    outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET_TEXT);
    Files.createDirectories(outside.resolve("repo"));
    before = snapshot(outside);
  }

  @AfterEach
  void stop() {
    server.close();
    attacker.close();
  }

  @Test
  void aSymbolicHeadThatClimbsOutOfTheRepositoryIsNeverFollowed() throws IOException {
    Files.writeString(gitDir.resolve("HEAD"), "ref: ../../../outside/x\n");

    publishesExactly("dockhand/head", COMMITTED);
  }

  @Test
  void aSymbolicRefThatClimbsOutOfTheRepositoryIsNeverFollowed() throws IOException {
    Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/main\n");
    Files.writeString(gitDir.resolve("refs/heads/main"), "ref: ../../../../outside/y\n");

    publishesExactly("dockhand/symref", COMMITTED);
  }

  @Test
  void aPackedRefWhoseNameClimbsOutIsNeverRead() throws IOException {
    String line = workspace.baseCommit() + " refs/heads/../../../../outside/z\n";
    Files.writeString(gitDir.resolve("packed-refs"), line, java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(gitDir.resolve("HEAD"), "ref: refs/heads/../../../../outside/z\n");

    publishesExactly("dockhand/packed", COMMITTED);
  }

  @Test
  void lockFilesLinkedOutsideAreNeverWritten() throws IOException {
    for (String lock :
        List.of(
            "index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "refs/heads/main.lock")) {
      Files.createSymbolicLink(gitDir.resolve(lock), outside.resolve(lock.replace('/', '-')));
    }

    publishesExactly("dockhand/locks", COMMITTED);
  }

  @Test
  void theIndexReflogsAndInfoFilesAreNeverRead() throws IOException {
    Files.deleteIfExists(gitDir.resolve("index"));
    Files.createSymbolicLink(gitDir.resolve("index"), outside.resolve("secret.txt"));
    Files.createDirectories(gitDir.resolve("logs"));
    Files.deleteIfExists(gitDir.resolve("logs/HEAD"));
    Files.createSymbolicLink(gitDir.resolve("logs/HEAD"), outside.resolve("reflog"));
    Files.writeString(gitDir.resolve("info/exclude"), "change.txt\n");
    Files.writeString(gitDir.resolve("info/attributes"), "* filter=evil\n");

    publishesExactly("dockhand/index", COMMITTED);
  }

  @Test
  void hooksWrittenByTheAgentNeverRunOnTheHost() throws IOException {
    for (String hook : List.of("pre-commit", "commit-msg", "post-commit", "pre-push")) {
      Path script = gitDir.resolve("hooks/" + hook);
      Files.createDirectories(script.getParent());
      executable(script, "#!/bin/sh\ntouch " + outside.resolve(hook) + "\n");
    }

    publishesExactly("dockhand/hooks", COMMITTED);
  }

  @Test
  void aHostileConfigCannotRedirectThePushOrRunAProgram() throws IOException {
    Path program = temp.resolve("program.sh");
    executable(program, "#!/bin/sh\ntouch " + outside.resolve("ran") + "\ncat\n");
    Files.writeString(
        gitDir.resolve("config"),
        String.join(
            "\n",
            "[core]",
            "  hooksPath = " + temp,
            "  fsmonitor = " + program,
            "[remote \"origin\"]",
            "  url = " + attacker.url(REPO),
            "[url \"" + attacker.baseUrl() + "/\"]",
            "  insteadOf = " + server.baseUrl() + "/",
            "[commit]",
            "  gpgSign = true",
            "[gpg]",
            "  program = " + program,
            "[filter \"evil\"]",
            "  clean = " + program,
            ""));
    Files.writeString(workspace.workTree().resolve(".gitattributes"), "* filter=evil\n");
    Map<String, String> expected = new TreeMap<>(COMMITTED);
    expected.put(".gitattributes", "* filter=evil\n");

    publishesExactly("dockhand/config", expected);
    assertThat(attacker.requests()).isEmpty();
  }

  @Test
  void alternatesAndRewrittenObjectsLendTheHostNothing() throws IOException {
    Files.writeString(
        gitDir.resolve("objects/info/alternates"), attacker.repoDir(REPO) + "/objects\n");
    try (Stream<Path> packs = Files.list(gitDir.resolve("objects/pack"))) {
      for (Path pack : packs.toList()) {
        Files.writeString(pack, "garbage");
      }
    }

    publishesExactly("dockhand/alternates", COMMITTED);
  }

  @Test
  void anObjectsDirectoryLinkedOutsideIsNeverWritten() throws IOException {
    TaskClones.run(workspace.workTree(), List.of("rm", "-rf", ".git/objects"));
    Files.createSymbolicLink(gitDir.resolve("objects"), outside.resolve("repo"));

    publishesExactly("dockhand/objects", COMMITTED);
  }

  @Test
  void aGitFileThatPointsElsewhereIsNeitherFollowedNorCommitted() throws IOException {
    TaskClones.run(workspace.workTree(), List.of("rm", "-rf", ".git"));
    Files.writeString(gitDir, "gitdir: ../../outside/repo\n");

    publishesExactly("dockhand/gitfile", COMMITTED);
  }

  @Test
  void aNestedGitDirectoryIsSkippedAndTheFilesBesideItAreCommitted() throws IOException {
    Path sub = Files.createDirectories(workspace.workTree().resolve("sub/.git/refs"));
    Files.writeString(sub.resolveSibling("HEAD"), "ref: ../../../../outside/n\n");
    Files.writeString(workspace.workTree().resolve("sub/file.txt"), "in sub\n");
    Files.createDirectories(workspace.workTree().resolve("other/.GIT"));
    Files.writeString(workspace.workTree().resolve("other/.GIT/config"), "[core]\n");
    Files.writeString(workspace.workTree().resolve("other/kept.txt"), "kept\n");
    Map<String, String> expected = new TreeMap<>(COMMITTED);
    expected.put("sub/file.txt", "in sub\n");
    expected.put("other/kept.txt", "kept\n");

    publishesExactly("dockhand/nested", expected);
  }

  @Test
  void aLinkPointingOutsideIsCommittedAsALinkAndNeverFollowed() throws IOException {
    Files.createSymbolicLink(workspace.workTree().resolve("leak"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(workspace.workTree().resolve("docs"), outside);
    Map<String, String> expected = new TreeMap<>(COMMITTED);
    expected.put("leak", outside.resolve("secret.txt").toString());
    expected.put("docs", outside.toString());

    publishesExactly("dockhand/links", expected);
    Map<String, FileMode> modes = TaskClones.modes(server.repoDir(REPO), "dockhand/links");
    assertThat(modes)
        .containsEntry("leak", FileMode.SYMLINK)
        .containsEntry("docs", FileMode.SYMLINK);
  }

  @Test
  void aGitignoreLinkedOutsideIsNotReadForRules() throws IOException {
    Files.writeString(outside.resolve("rules"), "change.txt\n");
    before = snapshot(outside);
    Files.createSymbolicLink(workspace.workTree().resolve(".gitignore"), outside.resolve("rules"));
    Map<String, String> expected = new TreeMap<>(COMMITTED);
    expected.put(".gitignore", outside.resolve("rules").toString());

    publishesExactly("dockhand/ignore-link", expected);
  }

  @Test
  void aHardLinkToAFileOutsideIsRefusedAndNothingIsPushed() throws IOException {
    Files.createLink(workspace.workTree().resolve("hard.txt"), outside.resolve("secret.txt"));

    assertThatThrownBy(() -> workspace.commitAll("Change", GitIdentity.AGENT, USER))
        .isInstanceOfSatisfying(
            GitException.class, e -> assertThat(e.code()).isEqualTo("git_workspace"))
        .hasMessageContaining("hard.txt has 2 names (a hard link)");
    assertThat(server.branches(REPO)).containsExactly("main");
    assertThat(snapshot(outside)).isEqualTo(before);
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aNamedPipeInTheWorkTreeIsSkippedWithoutHangingTheCommit() {
    TaskClones.run(workspace.workTree(), List.of("mkfifo", "pipe"));

    publishesExactly("dockhand/fifo", COMMITTED);
  }

  /** Commits and pushes, then checks the server got exactly {@code files} and outside is intact. */
  private void publishesExactly(String branch, Map<String, String> files) {
    String commit = workspace.commitAll("Change", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push(branch, SECRET);

    GitHttpServer.CommitInfo pushed = server.head(REPO, branch).orElseThrow();
    assertThat(pushed.id()).isEqualTo(commit);
    assertThat(pushed.parents()).containsExactly(workspace.baseCommit());
    Map<String, String> published = server.files(REPO, branch);
    assertThat(published).containsExactlyInAnyOrderEntriesOf(files);
    assertThat(published.values()).noneMatch(content -> content.contains(SECRET_TEXT.strip()));
    assertThat(snapshot(outside)).as("the directory outside the workspace").isEqualTo(before);
  }

  /** Every entry under {@code dir}, by path: its kind, size, modification time and content. */
  private static Map<String, String> snapshot(Path dir) {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.toList()) {
        BasicFileAttributes attributes =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String content = attributes.isRegularFile() ? Files.readString(path) : "";
        entries.put(
            dir.relativize(path).toString(),
            (attributes.isDirectory() ? "dir " : attributes.isRegularFile() ? "file " : "other ")
                + attributes.size()
                + " "
                + attributes.lastModifiedTime()
                + " "
                + content);
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void executable(Path file, String script) throws IOException {
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
