package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ScriptedTurn;
import dev.dockhand.testkit.ServerHarness;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An agent that attacks the host through its workspace: each vector is planted by a scripted bash
 * command that really runs in the container, in a task of its own (a guard tripped by one cannot
 * hide another), and then the task ends and the host commits and pushes. For every vector nothing
 * on the host outside the task's disk is created, changed or read (marker files and directories the
 * test made on the host stay as they were; a host secret never reaches the pushed files, the diff
 * or an event), the task ends with a clear outcome, and the server stays healthy: {@code /healthz}
 * answers and an ordinary task right after succeeds. One harness serves every vector.
 */
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileWorkspaceTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String REPO = "acme/widgets";

  /** More "../" than any path on this host is deep. */
  private static final String UP = "../".repeat(24);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String secret = "dockhand-hostile-secret-" + UUID.randomUUID();
  private final Map<String, List<ScriptedTurn>> scripts = new ConcurrentHashMap<>();
  private final AtomicInteger ordinary = new AtomicInteger();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Path> tmpMarkers = new ArrayList<>();
  private ServerHarness harness;
  private Path hostDir;
  private Map<String, String> hostBefore;
  private String adminTokenBefore;
  private String secretKeyBefore;

  @BeforeAll
  void startHarness() throws IOException {
    harness = new ServerHarness();
    harness.git.createRepo(REPO, Map.of("README.md", "# Widgets\n", "greeting.txt", "hello\n"));
    harness.model.respondWith(this::answer);
    Map<String, String> environment = harness.environment("a");
    // Two tasks a vector, one class: more than the default submit burst allows.
    environment.put("DOCKHAND_SUBMIT_BURST", "100");
    environment.put("DOCKHAND_SUBMIT_RATE", "1000");
    harness.start(environment);
    hostDir = Files.createTempDirectory("dockhand-hostile-host-");
    Files.writeString(hostDir.resolve("secret.txt"), secret + "\n");
    Files.writeString(hostDir.resolve("victim.txt"), "the host's own file\n");
    // If the host ever honoured a .gitignore reached through a link, leak.txt would be left out.
    Files.writeString(hostDir.resolve("ignore-rules"), "leak.txt\ntoken.txt\n");
    Files.createDirectories(hostDir.resolve("fakegit/refs/heads"));
    Files.writeString(hostDir.resolve("fakegit/HEAD"), "ref: refs/heads/main\n");
    Path hooks = Files.createDirectories(hostDir.resolve("hooks"));
    for (String hook :
        List.of(
            "pre-commit",
            "prepare-commit-msg",
            "commit-msg",
            "post-commit",
            "pre-push",
            "post-checkout",
            "reference-transaction",
            "post-rewrite",
            "gpg",
            "fsmonitor",
            "filter",
            "textconv")) {
      Path script = hooks.resolve(hook);
      Files.writeString(script, "#!/bin/sh\ntouch '" + hostDir.resolve("ran-" + hook) + "'\ncat\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    hostBefore = HostTree.snapshot(hostDir);
    adminTokenBefore = Files.readString(harness.dataDir("a").resolve("admin-token"));
    secretKeyBefore = Files.readString(harness.dataDir("a").resolve("secret.key"));
  }

  @AfterAll
  void stopHarness() throws IOException {
    harness.close();
    try (var below = Files.walk(hostDir)) {
      for (Path path : below.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
    for (Path marker : tmpMarkers) {
      Files.deleteIfExists(marker);
    }
  }

  @BeforeEach
  void nothingOnTheHostChangedBefore() {
    assertThat(HostTree.snapshot(hostDir)).isEqualTo(hostBefore);
  }

  /** After every vector: the host is as it was, and the server still does ordinary work. */
  @AfterEach
  void theHostIsUntouchedAndTheServerStaysHealthy() throws Exception {
    assertThat(HostTree.snapshot(hostDir))
        .as("the host directory the test made")
        .isEqualTo(hostBefore);
    assertThat(Files.readString(harness.dataDir("a").resolve("admin-token")))
        .isEqualTo(adminTokenBefore);
    assertThat(Files.readString(harness.dataDir("a").resolve("secret.key")))
        .isEqualTo(secretKeyBefore);
    for (Path marker : tmpMarkers) {
      assertThat(HostTree.exists(marker)).as("nothing created at %s", marker).isFalse();
    }
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(harness.origin().resolve("/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);

    String name = "ordinary-" + ordinary.incrementAndGet();
    Finished normal = runVector(name, "cd /workspace && echo fine > " + name + ".txt");
    assertThat(normal.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, normal.branch())).containsEntry(name + ".txt", "fine\n");
  }

  @Test
  void aHeadAndARefThatPointOutsideTheRepositoryNeitherCreateNorReadAnythingOnTheHost()
      throws Exception {
    Path head = tmpMarker("head");
    Path ref = tmpMarker("ref");
    Finished task =
        runVector(
            "symbolic-head",
            "cd /workspace && echo changed > head.txt"
                + " && echo 'ref: "
                + UP
                + "tmp/"
                + head.getFileName()
                + "' > .git/HEAD"
                + " && mkdir -p .git/refs/heads"
                + " && echo 'ref: refs/heads/"
                + UP
                + "tmp/"
                + ref.getFileName()
                + "' > .git/refs/heads/main"
                + " && echo 'ref: refs/heads/main' > .git/refs/heads/evil"
                + " && cat .git/HEAD");

    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, task.branch()))
        .containsEntry("head.txt", "changed\n")
        .containsEntry("greeting.txt", "hello\n");
  }

  @Test
  void aPackedRefsFileWithTraversingNamesIsNeverReadByTheHost() throws Exception {
    Path packed = tmpMarker("packed");
    Finished task =
        runVector(
            "packed-refs",
            "cd /workspace && echo packed > packed.txt"
                + " && printf '%s refs/heads/"
                + UP
                + "tmp/"
                + packed.getFileName()
                + "\\n' \"$(git rev-parse HEAD)\" >> .git/packed-refs"
                + " && printf 'zzzz "
                + UP
                + "tmp/"
                + packed.getFileName()
                + "\\n^nonsense\\n' >> .git/packed-refs"
                + " && tail -n 3 .git/packed-refs");

    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, task.branch())).containsEntry("packed.txt", "packed\n");
  }

  @Test
  void lockFilesLinkedToHostPathsAreNeitherWrittenNorFollowed() throws Exception {
    Path lock = tmpMarker("lock");
    Path data = harness.dataDir("a");
    Finished task =
        runVector(
            "lock-links",
            "cd /workspace && echo locked > lock.txt"
                + " && ln -s "
                + lock
                + " .git/index.lock"
                + " && ln -s "
                + hostDir.resolve("victim.txt")
                + " .git/HEAD.lock"
                + " && ln -s "
                + data.resolve("secret.key")
                + " .git/config.lock"
                + " && ln -s "
                + data.resolve("admin-token")
                + " .git/ORIG_HEAD.lock"
                + " && ln -s "
                + data.resolve("dockhand.db")
                + " .git/packed-refs.lock"
                + " && mkdir -p .git/refs/heads && ln -s "
                + hostDir.resolve("victim.txt")
                + " .git/refs/heads/main.lock"
                + " && ln -s "
                + hostDir
                + " .git/objects/incoming"
                + " && ls -l .git/*.lock");

    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, task.branch())).containsEntry("lock.txt", "locked\n");
  }

  @Test
  void hooksAndAHostileGitConfigNeverRunOrRedirectAnythingOnTheHost() throws Exception {
    Path hooks = hostDir.resolve("hooks");
    StringBuilder script = new StringBuilder("cd /workspace && mkdir -p .git/hooks");
    for (String hook : List.of("pre-commit", "commit-msg", "post-commit", "pre-push")) {
      script
          .append(" && printf '#!/bin/sh\\ntouch ")
          .append(hostDir.resolve("ran-in-" + hook))
          .append("\\n' > .git/hooks/")
          .append(hook)
          .append(" && chmod +x .git/hooks/")
          .append(hook);
    }
    script
        .append(" && git config core.hooksPath ")
        .append(hooks)
        .append(" && git config core.fsmonitor ")
        .append(hooks.resolve("fsmonitor"))
        .append(" && git config gpg.program ")
        .append(hooks.resolve("gpg"))
        .append(" && git config commit.gpgsign true")
        .append(" && git config filter.evil.clean ")
        .append(hooks.resolve("filter"))
        .append(" && git config filter.evil.smudge ")
        .append(hooks.resolve("filter"))
        .append(" && git config filter.evil.required true")
        .append(" && git config diff.evil.textconv ")
        .append(hooks.resolve("textconv"))
        .append(" && git config url.http://127.0.0.1:9/.insteadOf ")
        .append(harness.git.baseUrl())
        .append(" && git config remote.origin.pushurl http://127.0.0.1:9/nowhere.git")
        .append(" && git config include.path ")
        .append(hostDir.resolve("victim.txt"))
        .append(" && printf '* filter=evil diff=evil\\n' > .gitattributes")
        .append(" && echo configured > config.txt && cat .git/config");
    Finished task = runVector("hooks-config", script.toString());

    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, task.branch()))
        .containsEntry("config.txt", "configured\n")
        .containsEntry(".gitattributes", "* filter=evil diff=evil\n");
    RevCommit pushed = commit(task.branch());
    assertThat(pushed.getRawGpgSignature()).as("gpg.program and commit.gpgsign ignored").isNull();
    assertThat(task.diff()).contains("+configured");
  }

  @Test
  void aDotGitReplacedByAGitdirFileOrALinkToAHostRepositoryIsSkipped() throws Exception {
    Path fake = hostDir.resolve("fakegit");
    Finished task =
        runVector(
            "gitdir-file",
            "cd /workspace && rm -rf .git && echo 'gitdir: "
                + fake
                + "' > .git"
                + " && mkdir -p sub Nested && ln -s "
                + fake
                + " sub/.git"
                + " && mkdir Nested/.GIT && echo 'ref: refs/heads/main' > Nested/.GIT/HEAD"
                + " && echo moved > sub/file.txt && echo kept > Nested/file.txt && cat .git");

    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, task.branch()))
        .containsEntry("sub/file.txt", "moved\n")
        .containsEntry("Nested/file.txt", "kept\n")
        .doesNotContainKeys(".git", "sub/.git", "Nested/.GIT/HEAD");
  }

  @Test
  void linksToHostSecretsArePushedAsLinksAndTheSecretsThemselvesGoNowhere() throws Exception {
    Path secretFile = hostDir.resolve("secret.txt");
    Path token = harness.dataDir("a").resolve("admin-token");
    Finished task =
        runVector(
            "symlink-secret",
            "cd /workspace && ln -s "
                + secretFile
                + " leak.txt"
                + " && ln -s "
                + token
                + " token.txt"
                + " && ln -s "
                + harness.dataDir("a").resolve("secret.key")
                + " key.txt"
                + " && ln -s "
                + hostDir
                + " outside"
                + " && ln -s "
                + hostDir.resolve("ignore-rules")
                + " .gitignore"
                + " && ln -s /etc/shadow shadow && ln -s "
                + UP
                + " up"
                + " && ls -l && cat leak.txt; echo cat-exit=$?");

    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(task.toolOutput()).contains("cat-exit=1");
    assertThat(entry(task.branch(), "leak.txt"))
        .contains(new PushedEntry(FileMode.SYMLINK, secretFile.toString()));
    assertThat(entry(task.branch(), "token.txt"))
        .contains(new PushedEntry(FileMode.SYMLINK, token.toString()));
    assertThat(entry(task.branch(), "outside"))
        .contains(new PushedEntry(FileMode.SYMLINK, hostDir.toString()));
    assertThat(entry(task.branch(), ".gitignore"))
        .contains(new PushedEntry(FileMode.SYMLINK, hostDir.resolve("ignore-rules").toString()));
    Map<String, String> files = harness.git.files(REPO, task.branch());
    assertThat(files).doesNotContainKeys("outside/secret.txt", "outside/victim.txt");
    for (String seen :
        List.of(String.join("\n", files.values()), task.diff(), task.events(), task.json())) {
      assertThat(seen)
          .doesNotContain(secret)
          .doesNotContain(adminTokenBefore.strip())
          .doesNotContain(secretKeyBefore.strip());
    }
    assertThat(task.diff()).contains("+" + secretFile);
  }

  @Test
  void aHardLinkToAFileOutsideTheWorkspaceCannotBeMadeAndTheTaskStillSucceeds() throws Exception {
    Finished task =
        runVector(
            "hard-link-outside",
            "cd /workspace; ln /etc/hostname /workspace/x; echo ln-exit=$?;"
                + " ln /etc/passwd /workspace/y; echo ln2-exit=$?;"
                + " echo after > after-link.txt; ls");

    assertThat(task.toolOutput()).contains("ln-exit=1", "ln2-exit=1");
    assertThat(task.status()).isEqualTo("succeeded");
    assertThat(harness.git.files(REPO, task.branch()))
        .containsEntry("after-link.txt", "after\n")
        .doesNotContainKeys("x", "y");
  }

  @Test
  void aHardLinkInsideTheWorkspaceFailsTheTaskWithAReasonInsteadOfBeingCommitted()
      throws Exception {
    Finished task =
        runVector(
            "hard-link-inside",
            "cd /workspace && echo twice > a.txt && ln a.txt b.txt && ls -li a.txt b.txt");

    assertThat(task.status()).isEqualTo("failed");
    assertThat(task.errorCode()).isEqualTo("git_workspace");
    assertThat(task.errorMessage()).contains("a.txt has 2 names (a hard link)");
    assertThat(harness.git.branches(REPO)).doesNotContain(task.branch());
  }

  @Test
  void aTreeAThousandDirectoriesDeepFailsTheTaskWithItsDepthLimit() throws Exception {
    Finished task =
        runVector(
            "deep-tree",
            "cd /workspace && p=$(printf 'd/%.0s' $(seq 1 1000)) && mkdir -p $p && echo x > $p/f"
                + " && find d -type d | wc -l");

    assertThat(task.status()).isEqualTo("failed");
    assertThat(task.errorCode()).isEqualTo("git_workspace");
    assertThat(task.toolOutput()).contains("1000");
    assertThat(task.errorMessage()).contains("the worktree is more than 256 directories deep");
    assertThat(harness.git.branches(REPO)).doesNotContain(task.branch());
  }

  @Test
  void aOneGigabyteSparseFileFailsTheTaskWithTheFileSizeLimit() throws Exception {
    Finished task =
        runVector(
            "sparse-file",
            "cd /workspace && truncate -s 1G big.bin && echo small > small.txt && ls -ls big.bin");

    assertThat(task.status()).isEqualTo("failed");
    assertThat(task.errorCode()).isEqualTo("git_workspace");
    assertThat(task.errorMessage())
        .contains("big.bin is 1073741824 bytes, more than the 104857600 a file may have");
    assertThat(harness.git.branches(REPO)).doesNotContain(task.branch());
  }

  // ---- the parts every vector shares

  /** A path in the host's /tmp that must never come to exist; removed after the class. */
  private Path tmpMarker(String name) {
    Path marker = Path.of("/tmp", "dockhand-hostile-" + run + "-" + name);
    assertThat(HostTree.exists(marker)).isFalse();
    tmpMarkers.add(marker);
    return marker;
  }

  /** The stand-in model: each task's turns, found by the vector named in its prompt. */
  private ScriptedTurn answer(JsonNode request) {
    JsonNode messages = request.path("messages");
    String first = messages.path(0).toString();
    int assistantTurns = 0;
    for (JsonNode message : messages) {
      if (message.path("role").asText().equals("assistant")) {
        assistantTurns++;
      }
    }
    for (Map.Entry<String, List<ScriptedTurn>> script : scripts.entrySet()) {
      if (first.contains("[vector=" + script.getKey() + "]")) {
        List<ScriptedTurn> turns = script.getValue();
        return turns.get(Math.min(assistantTurns, turns.size() - 1));
      }
    }
    return text("No script for this task.");
  }

  /** Runs one task whose agent runs {@code command} in bash and then ends its turn. */
  private Finished runVector(String vector, String command) throws Exception {
    scripts.put(vector, List.of(tools(bash(command)), text("Planted " + vector + ".")));
    try (LiveClient client = harness.live()) {
      String id = harness.submit(REPO, "[vector=" + vector + "] plant it").path("id").asText();
      client.subscribe(id, 0);
      client.await(
          frame ->
              "event".equals(frame.path("type").asText())
                  && id.equals(frame.path("taskId").asText())
                  && List.of("task.succeeded", "task.failed", "task.cancelled")
                      .contains(frame.path("kind").asText()),
          WAIT);
      assertThat(Containers.labelled("dockhand.task=" + id)).as("the task's container").isEmpty();
      ServerHarness.Response task = harness.call("GET", "/tasks/" + id, null);
      ServerHarness.Response diff = harness.call("GET", "/tasks/" + id + "/diff", null);
      ServerHarness.Response events =
          harness.call("GET", "/tasks/" + id + "/events?limit=1000", null);
      JsonNode json = task.json();
      StringBuilder output = new StringBuilder();
      for (JsonNode event : events.json().path("items")) {
        if (event.path("kind").asText().equals("tool.result")) {
          output.append(event.path("data").path("output").asText()).append('\n');
        }
      }
      System.out.printf(
          "vector %s: %s %s %s timings=%s%n",
          vector,
          json.path("status").asText(),
          json.path("error").path("code").asText(),
          json.path("error").path("message").asText(),
          json.path("timings"));
      return new Finished(
          json.path("status").asText(),
          json.path("error").path("code").asText(),
          json.path("error").path("message").asText(),
          "dockhand/" + id.substring(0, 8),
          diff.body(),
          events.body(),
          task.body(),
          output.toString());
    }
  }

  /** How a task ended, and what the server says about it. */
  private record Finished(
      String status,
      String errorCode,
      String errorMessage,
      String branch,
      String diff,
      String events,
      String json,
      String toolOutput) {}

  /** One entry of a pushed tree: its mode and its blob as text (a link's is its target). */
  private record PushedEntry(FileMode mode, String text) {}

  private Optional<PushedEntry> entry(String branch, String path) throws IOException {
    try (Repository repository = openServerRepo();
        RevWalk walk = new RevWalk(repository)) {
      RevCommit commit = walk.parseCommit(repository.resolve(Constants.R_HEADS + branch));
      try (TreeWalk tree = TreeWalk.forPath(repository, path, commit.getTree())) {
        if (tree == null) {
          return Optional.empty();
        }
        byte[] bytes = repository.open(tree.getObjectId(0)).getBytes();
        return Optional.of(
            new PushedEntry(tree.getFileMode(0), new String(bytes, StandardCharsets.UTF_8)));
      }
    }
  }

  private RevCommit commit(String branch) throws IOException {
    try (Repository repository = openServerRepo();
        RevWalk walk = new RevWalk(repository)) {
      RevCommit commit = walk.parseCommit(repository.resolve(Constants.R_HEADS + branch));
      walk.parseBody(commit);
      return commit;
    }
  }

  private Repository openServerRepo() throws IOException {
    return new FileRepositoryBuilder()
        .setGitDir(harness.git.repoDir(REPO).toFile())
        .setBare()
        .build();
  }
}
