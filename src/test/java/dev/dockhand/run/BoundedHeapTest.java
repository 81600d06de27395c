package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import dev.dockhand.testkit.ServerProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A task far bigger than the server's heap: the agent writes 200,000 small files and 500 MB of
 * text, and the server, in a JVM of its own capped at 256 MB, commits, diffs and pushes it all. The
 * commit streams file by file, the pack is written from disk and the diff is cut at its cap, so the
 * task ends, the server lives on and answers, and no OutOfMemoryError is thrown anywhere (the JVM
 * would exit on the first one). The heap figures read from the GC log are printed.
 */
@Tag("docker")
class BoundedHeapTest {
  private static final Duration WAIT = Duration.ofMinutes(5);
  private static final int DIRECTORIES = 200;
  private static final int FILES_PER_DIRECTORY = 1000;
  private static final int TEXT_FILES = 500;
  private static final Pattern GC_BEFORE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

  /**
   * 200 directories of 1000 one-line files, each different so each is an object of its own, and 500
   * files of 1 MiB of text lines: 64 blocks of 16 KiB, each headed by its file and block number so
   * no two files are equal while deflate still shrinks them (a block fits its window).
   */
  private static final String WRITE_EVERYTHING =
      """
      cd /workspace && python3 - <<'EOF'
      import os
      for d in range(%d):
          top = "src/d%%03d" %% d
          os.makedirs(top)
          for f in range(%d):
              with open("%%s/f%%04d.txt" %% (top, f), "w") as out:
                  out.write("file %%d of directory %%d\\n" %% (f, d))
      os.makedirs("docs")
      block = "".join("line %%05d: the quick brown fox jumps over the lazy dog\\n" %% i for i in range(290))
      for t in range(%d):
          with open("docs/t%%03d.txt" %% t, "w") as out:
              for b in range(64):
                  header = "text file %%d, block %%d\\n" %% (t, b)
                  out.write(header + block[: 16384 - len(header)])
      print("written")
      EOF
      du -sm /workspace/src /workspace/docs; find /workspace/src -type f | wc -l
      """
          .formatted(DIRECTORIES, FILES_PER_DIRECTORY, TEXT_FILES);

  private final HttpClient http = HttpClient.newHttpClient();
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aTaskOfTwoHundredThousandFilesAndHalfAGigabyteOfTextEndsWithinA256MegabyteHeap()
      throws Exception {
    Finished task = runBounded("many-files", WRITE_EVERYTHING, List.of());

    assertThat(task.status()).as(task.json().toString()).isEqualTo("succeeded");
    assertThat(task.diff()).endsWith("\n# diff cut at 5000000 characters\n");
    assertThat(task.diff().length()).isLessThan(5_000_100);
    assertThat(task.diff()).contains("+++ b/docs/t000.txt", "+text file 0, block 0");
    assertThat(pushedFiles(task.branch()))
        .as("every file is on the pushed branch")
        .isEqualTo(DIRECTORIES * FILES_PER_DIRECTORY + TEXT_FILES + 1);
  }

  /**
   * Few files, each big but under every size limit (40 MiB, under the 50 MiB beyond which JGit
   * stops looking for deltas, and the 100 MiB a file may have): what the push does with them is
   * bounded by the pack settings, not by how many such files there are.
   */
  @Test
  void aTaskOfTwelveFortyMegabyteFilesIsPushedWithinA256MegabyteHeap() throws Exception {
    String script =
        """
        cd /workspace && python3 - <<'EOF'
        import os
        os.makedirs("big")
        block = "".join("line %05d: the quick brown fox jumps over the lazy dog\\n" % i for i in range(290))
        for t in range(12):
            with open("big/b%02d.txt" % t, "w") as out:
                for b in range(2560):
                    header = "big file %d, block %d\\n" % (t, b)
                    out.write(header + block[: 16384 - len(header)])
        print("written")
        EOF
        du -sm /workspace/big
        """;
    // As on a server of 16 cores: JGit looks for deltas on as many threads as there are cores.
    Finished task = runBounded("big-files", script, List.of("-XX:ActiveProcessorCount=16"));

    assertThat(task.status()).as(task.json().toString()).isEqualTo("succeeded");
    assertThat(task.diff()).contains("big/b00.txt", "Binary files");
    assertThat(pushedFiles(task.branch())).isEqualTo(12 + 1);
  }

  /**
   * Runs one task whose agent runs {@code script}, in a server of its own limited to 256 MB of
   * heap, and checks what must hold whatever the task's outcome: the server lives, answers and
   * never ran out of memory.
   */
  private Finished runBounded(String name, String script, List<String> moreJvmArguments)
      throws Exception {
    harness.model.script(tools(bash(script)), text("Wrote a very large change."));
    Map<String, String> environment = harness.environment("a");
    environment.put("DOCKHAND_SANDBOX_DISK_MB", "2048");
    // The worktree's 200,700 entries and some room.
    environment.put("DOCKHAND_SANDBOX_FILES", "600000");
    // In the node's data dir, which the harness deletes.
    Path gcLog = Files.createDirectories(harness.dataDir("a")).resolve("gc-" + name + ".log");
    List<String> jvm =
        new ArrayList<>(
            List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog));
    jvm.addAll(moreJvmArguments);

    try (ServerProcess server = ServerProcess.start(environment, jvm)) {
      String token = ServerProcess.adminToken(harness.dataDir("a"));
      long started = System.nanoTime();
      String id;
      try (LiveClient client = LiveClient.connect(server.origin(), token)) {
        id =
            harness
                .submit(server.origin(), token, "acme/widgets", "Write a lot")
                .path("id")
                .asText();
        client.subscribe(id, 0);
        client.await(
            frame ->
                "event".equals(frame.path("type").asText())
                    && id.equals(frame.path("taskId").asText())
                    && List.of("task.succeeded", "task.failed", "task.cancelled")
                        .contains(frame.path("kind").asText()),
            WAIT);
      }
      long wallSeconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

      assertThat(server.isAlive()).as("the server JVM is still running").isTrue();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(server.origin().resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      JsonNode task = harness.call(server.origin(), token, "GET", "/tasks/" + id, null).json();
      String diff =
          harness.call(server.origin(), token, "GET", "/tasks/" + id + "/diff", null).body();
      System.out.printf(
          "bounded heap %s: %s %s in %d s, timings %s, diff %d chars, heap (MB) %s%n",
          name,
          task.path("status").asText(),
          task.path("error"),
          wallSeconds,
          task.path("timings"),
          diff.length(),
          heapFigures(gcLog));
      assertThat(server.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
      assertThat(Files.readString(gcLog)).doesNotContain("OutOfMemoryError");
      return new Finished(
          task.path("status").asText(), task, diff, "dockhand/" + id.substring(0, 8));
    }
  }

  private record Finished(String status, JsonNode json, String diff, String branch) {}

  /** How many files the pushed branch holds, counted without reading any of them. */
  private long pushedFiles(String branch) throws IOException {
    try (Repository repository =
            new FileRepositoryBuilder()
                .setGitDir(harness.git.repoDir("acme/widgets").toFile())
                .setBare()
                .build();
        RevWalk walk = new RevWalk(repository);
        TreeWalk tree = new TreeWalk(repository)) {
      tree.addTree(walk.parseCommit(repository.resolve(Constants.R_HEADS + branch)).getTree());
      tree.setRecursive(true);
      long files = 0;
      while (tree.next()) {
        files++;
      }
      return files;
    }
  }

  /**
   * From the GC log: the most heap in use just before a collection (the peak the JVM reached), and
   * the most still in use just after one (an upper bound of what was live then).
   */
  private static String heapFigures(Path gcLog) throws IOException {
    long before = 0;
    long after = 0;
    Matcher matcher = GC_BEFORE.matcher(Files.readString(gcLog));
    while (matcher.find()) {
      before = Math.max(before, Long.parseLong(matcher.group(1)));
      after = Math.max(after, Long.parseLong(matcher.group(2)));
    }
    return "peak used " + before + ", most left after a collection " + after;
  }
}
