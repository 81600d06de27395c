package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.hang;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ScriptedTurn;
import dev.dockhand.testkit.ServerHarness;
import dev.dockhand.testkit.ServerProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Each task attempt on a disk of its own, seen from outside: the kernel refuses the writer at the
 * limit while the host's free space and the database stay as they were, a neighbour task runs and
 * pushes meanwhile, the disk is unmounted and deleted when the attempt ends, a kill -9 leaves a
 * mount that the next start releases, and a node whose data disk lacks room claims nothing and says
 * why on /readyz.
 */
@Tag("docker")
class TaskDiskJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final long MB = 1024 * 1024;
  private static final long LIMIT = 64 * MB;
  private static final String NO_SPACE = "No space left on device";
  private static final Pattern WROTE = Pattern.compile("wrote (\\d+) bytes");

  private ServerHarness harness;
  private final List<Path> tmpfsMounts = new ArrayList<>();

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    for (Path point : tmpfsMounts) {
      run("umount", "-l", point.toString());
      Files.delete(point);
    }
  }

  private Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>(harness.environment("a"));
    environment.put("DOCKHAND_SANDBOX_DISK_MB", Long.toString(LIMIT / MB));
    environment.put("DOCKHAND_MAX_CONCURRENT_TASKS", "2");
    environment.put("DOCKHAND_MAX_TASKS_PER_USER", "2");
    return environment;
  }

  @Test
  void aTaskThatFillsItsDiskMeetsNoSpaceLeftWhileItsNeighbourPushesAndBothDisksAreReleased()
      throws Exception {
    // Both tasks answer their second model request only once both have got that far, so both
    // hold their disks at once; the test looks at the host while they wait.
    CountDownLatch midway = new CountDownLatch(2);
    CountDownLatch proceed = new CountDownLatch(1);
    Supplier<Void> rendezvous =
        () -> {
          midway.countDown();
          awaitQuietly(proceed);
          return null;
        };
    Conversations conversations =
        new Conversations()
            .on(
                "FILL-THE-DISK",
                () -> reply("Writing a big file.", bash(write("/workspace/big"))),
                () -> {
                  rendezvous.get();
                  return tools(bash("rm /workspace/big && " + write("$HOME/big")));
                },
                () -> tools(bash("rm $HOME/big && " + write("/tmp/big"))),
                () ->
                    tools(
                        bash("rm /tmp/big && df -k /workspace"),
                        create("/workspace/RESULT.txt", "the disk was full\n")),
                () -> text("The disk was full everywhere; I left a note."))
            .on(
                "WRITE-A-LITTLE",
                () -> tools(create("/workspace/small.txt", "small\n")),
                () -> {
                  rendezvous.get();
                  return text("Added small.txt.");
                });
    harness.model.respondWith(conversations);
    harness.start(environment());
    Path dataDir = harness.dataDir("a");
    Path taskRoot = dataDir.resolve("tasks").resolve(environment().get("DOCKHAND_NODE_ID"));
    long freeBefore = Files.getFileStore(dataDir).getUsableSpace();

    String big;
    String small;
    try (LiveClient client = harness.live()) {
      big = harness.submit("acme/widgets", "FILL-THE-DISK then clean up").path("id").asText();
      small = harness.submit("acme/widgets", "WRITE-A-LITTLE file").path("id").asText();
      client.subscribe(big, 0);
      client.subscribe(small, 0);
      long freeAfterWrite;
      long imageAfterWrite;
      List<Path> bothMounted;
      Path bigDisk;
      Path smallDisk;
      try {
        assertThat(midway.await(WAIT.toSeconds(), TimeUnit.SECONDS))
            .as("both tasks reached their second model turn")
            .isTrue();
        bothMounted = mountsBelow(taskRoot);
        // A loaded host may retry an attempt (a lease that ran out, a slow engine): the disk is
        // the current attempt's, and why an earlier one ended is printed for whoever reads this.
        bigDisk = taskRoot.resolve(big + "-" + attemptOf(big, client));
        smallDisk = taskRoot.resolve(small + "-" + attemptOf(small, client));
        // The task's own filesystem may still hold the write in its page cache; flush it onto
        // the image first, so the sample counts everything the write will ever cost the host.
        run("sync", "-f", bigDisk.resolve("fs").toString());
        freeAfterWrite = Files.getFileStore(dataDir).getUsableSpace();
        imageAfterWrite = allocatedBytes(bigDisk.resolve("disk.img"));
      } finally {
        proceed.countDown();
      }
      long drop = freeBefore - freeAfterWrite;
      System.out.printf(
          "free space of the data disk dropped by %.1f MB while the 200 MB write ran%n",
          drop / 1e6);
      System.out.printf(
          "the full task's image takes %.1f MB of the data disk%n", imageAfterWrite / 1e6);
      // Other work on this host moves its free space too; the image's own blocks are exact.
      assertThat(drop)
          .as("the data disk lost no more than the task's limit and a margin")
          .isLessThan(LIMIT + 64 * MB);
      assertThat(imageAfterWrite)
          .as("the full task's image: its limit, root's reserve and a little bookkeeping")
          .isLessThanOrEqualTo(LIMIT + 16 * MB + 8 * MB);
      assertThat(bothMounted)
          .as("each running task on its own mounted disk")
          .containsExactlyInAnyOrder(bigDisk.resolve("fs"), smallDisk.resolve("fs"));

      client.awaitEvent(small, "task.succeeded", WAIT);
      client.awaitEvent(big, "task.succeeded", WAIT);
      assertThat(mountsBelow(dataDir)).as("no task disk still mounted").isEmpty();
      assertThat(entries(taskRoot)).as("no task disk left on the data disk").isEmpty();

      List<JsonNode> bigEvents = client.events(big);
      List<String> results =
          bigEvents.stream()
              .filter(event -> event.path("kind").asText().equals("tool.result"))
              .map(event -> event.path("data").path("output").asText())
              .toList();
      assertThat(results).hasSizeGreaterThanOrEqualTo(3);
      for (String result : results.subList(0, 3)) {
        assertThat(result).contains(NO_SPACE);
        long wrote = wrote(result);
        System.out.printf("the agent wrote %.1f MB before the kernel refused%n", wrote / 1e6);
        assertThat(wrote)
            .as("the agent filled about its limit")
            .isBetween(LIMIT / 2, LIMIT + 16 * MB);
      }
      assertGapless(bigEvents);
      assertGapless(client.events(small));
      assertThat(bigEvents)
          .extracting(event -> event.path("kind").asText())
          .containsSubsequence("task.started", "tool.result", "git.pushed", "task.succeeded");

      String bigBranch = "dockhand/" + big.substring(0, 8);
      assertThat(harness.git.files("acme/widgets", bigBranch))
          .containsEntry("RESULT.txt", "the disk was full\n")
          .doesNotContainKey("big");
      assertThat(harness.git.files("acme/widgets", "dockhand/" + small.substring(0, 8)))
          .containsEntry("small.txt", "small\n");
      assertThat(harness.github.pullRequests()).hasSize(2);
    }

    // The database sits on the data disk next to the task disks: the full disk never touched it.
    List<Event> stored = harness.node().eventLog().all(big);
    assertThat(stored.stream().filter(event -> event.kind() == EventKind.TOOL_RESULT))
        .first()
        .satisfies(event -> assertThat(event.data().path("output").asText()).contains(NO_SPACE));
    try (Connection db =
        DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("dockhand.db"))) {
      assertThat(integrityCheck(db)).isEqualTo("ok");
      assertThat(storedSeqs(db, big)).hasSize(stored.size()).isEqualTo(rangeClosed(stored.size()));
      assertThat(storedSeqs(db, small)).isEqualTo(rangeClosed(storedSeqs(db, small).size()));
    }
  }

  @Test
  void aDiskLeftMountedByKillNineIsReleasedAtTheNextStartAndTheTaskIsRetriedAndFinishes()
      throws Exception {
    harness.model.script(
        tools(create("/workspace/half-done.txt", "from the first attempt\n")),
        hang(),
        reply("Starting over.", bash("ls /workspace")),
        tools(create("/workspace/done.txt", "finished\n")),
        text("Done."));
    Map<String, String> environment = environment();
    Path dataDir = harness.dataDir("a");
    Path taskRoot = dataDir.resolve("tasks").resolve(environment.get("DOCKHAND_NODE_ID"));
    String id;
    Path firstDisk;
    try (ServerProcess first = ServerProcess.start(environment)) {
      String token = ServerProcess.adminToken(dataDir);
      id =
          harness
              .submit(first.origin(), token, "acme/widgets", "Write done.txt")
              .path("id")
              .asText();
      firstDisk = taskRoot.resolve(id + "-1");
      try (LiveClient client = LiveClient.connect(first.origin(), token)) {
        client.subscribe(id, 0);
        client.awaitEvent(id, "tool.result", WAIT);
      }
      awaitTrue("the model was asked twice", () -> harness.model.requests().size() >= 2);
      assertThat(mountsBelow(dataDir)).containsExactly(firstDisk.resolve("fs"));
      assertThat(first.output())
          .as("a disk being made never held claims back on a data disk with room")
          .noneMatch(line -> line.contains("not claiming tasks"));
      first.kill();
    }
    assertThat(mountsBelow(dataDir))
        .as("a crash leaves the mount")
        .containsExactly(firstDisk.resolve("fs"));
    assertThat(firstDisk.resolve("disk.img")).exists();
    assertThat(loopDevicesOf(firstDisk)).hasSize(1);

    long restarted = System.nanoTime();
    try (ServerProcess second = ServerProcess.start(environment)) {
      long listening = System.nanoTime();
      assertThat(mountsBelow(firstDisk)).as("the leftover mount, once the node listens").isEmpty();
      assertThat(firstDisk).as("the leftover image and directory").doesNotExist();
      awaitTrue("the leftover loop device is freed", () -> loopDevicesOf(firstDisk).isEmpty());
      System.out.printf(
          "restart to listening: %d ms; loop device of the killed attempt freed %d ms after"
              + " listening%n",
          (listening - restarted) / 1_000_000, (System.nanoTime() - listening) / 1_000_000);
      assertThat(second.output())
          .anyMatch(line -> line.contains("released 1 task disks left by an earlier run"));

      String token = ServerProcess.adminToken(dataDir);
      try (LiveClient client = LiveClient.connect(second.origin(), token)) {
        client.subscribe(id, 0);
        client.awaitEvent(id, "task.succeeded", WAIT);
        List<JsonNode> events = client.events(id);
        assertGapless(events);
        assertThat(events)
            .extracting(event -> event.path("kind").asText())
            .containsSubsequence("task.started", "task.retrying", "task.started", "task.succeeded");
      }
      JsonNode task = harness.call(second.origin(), token, "GET", "/tasks/" + id, null).json();
      assertThat(task.path("attempt").asInt()).isEqualTo(2);
      assertThat(harness.git.files("acme/widgets", "dockhand/" + id.substring(0, 8)))
          .containsKey("done.txt")
          .doesNotContainKey("half-done.txt");
      assertThat(mountsBelow(dataDir)).as("the retry's disk is released too").isEmpty();
      assertThat(entries(taskRoot)).isEmpty();
      assertThat(second.terminate()).isEqualTo(143);
    }
  }

  @Test
  void aNodeWhoseDataDiskLacksRoomClaimsNothingAndSaysWhyUntilSpaceIsFreed() throws Exception {
    // A data disk of its own, small enough that one 512 MB task and the host's margin do not fit;
    // a tmpfs can then be made bigger in place, which frees space without touching anything.
    Path dataDir = Files.createTempDirectory("dockhand-small-disk-");
    run("mount", "-t", "tmpfs", "-o", "size=300m", "tmpfs", dataDir.toString());
    tmpfsMounts.add(dataDir);
    harness.model.script(
        tools(create("/workspace/roomy.txt", "there is room now\n")), text("Done."));
    Map<String, String> environment = environment();
    environment.put("DOCKHAND_DATA_DIR", dataDir.toString());
    environment.put("DOCKHAND_SANDBOX_DISK_MB", "512");

    try (ServerProcess server = ServerProcess.start(environment)) {
      String token = ServerProcess.adminToken(dataDir);
      String id =
          harness
              .submit(server.origin(), token, "acme/widgets", "Write roomy.txt")
              .path("id")
              .asText();
      awaitTrue(
          "the gate says why it holds claims back",
          () -> server.output().stream().anyMatch(line -> line.contains("not claiming tasks:")));
      assertThat(
              harness
                  .call(server.origin(), token, "GET", "/tasks/" + id, null)
                  .json()
                  .path("status")
                  .asText())
          .isEqualTo("queued");
      JsonNode notReady = readyz(server);
      assertThat(notReady.path("status").asText()).isEqualTo("not_ready");
      assertThat(notReady.path("checks").path("disk").path("ok").asBoolean()).isFalse();
      assertThat(notReady.path("checks").path("disk").path("detail").asText())
          .contains("data disk at " + dataDir, "free", "not taking work until space is freed");
      assertThat(harness.model.requests()).as("no task ran").isEmpty();

      run("mount", "-o", "remount,size=4g", dataDir.toString());
      try (LiveClient client = LiveClient.connect(server.origin(), token)) {
        client.subscribe(id, 0);
        client.awaitEvent(id, "task.succeeded", WAIT);
      }
      assertThat(server.output()).anyMatch(line -> line.contains("claiming tasks again:"));
      assertThat(readyz(server).path("checks").path("disk").path("ok").asBoolean()).isTrue();
      assertThat(harness.git.files("acme/widgets", "dockhand/" + id.substring(0, 8)))
          .containsEntry("roomy.txt", "there is room now\n");
      assertThat(server.terminate()).isEqualTo(143);
    }
  }

  // ---- what the kernel and the disk say, read without the product's code

  /** Mount points below {@code dir} in this JVM's mount namespace (the server's too). */
  private static List<Path> mountsBelow(Path dir) throws IOException {
    Path real = dir.toAbsolutePath().normalize();
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/mountinfo"))) {
      return lines
          .map(line -> line.split(" "))
          .filter(fields -> fields.length > 4)
          .map(fields -> Path.of(fields[4]))
          .filter(point -> point.startsWith(real) && !point.equals(real))
          .toList();
    }
  }

  /** Loop devices whose backing file lies in {@code dir}, deleted or not. */
  private static List<String> loopDevicesOf(Path dir) {
    return run("losetup", "-a")
        .lines()
        .filter(line -> line.contains(dir.toString() + "/"))
        .toList();
  }

  /** The blocks a (sparse) file really takes on its filesystem. */
  private static long allocatedBytes(Path file) {
    String[] blocks = run("stat", "-c", "%b %B", file.toString()).strip().split(" ");
    return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
  }

  private static List<Path> entries(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    }
  }

  private static JsonNode readyz(ServerProcess server) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.origin().resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    return new ServerHarness.Response(response.statusCode(), response.body()).json();
  }

  private static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String write(String path) {
    return "head -c 200M /dev/urandom > " + path + "; stat -c 'wrote %s bytes' " + path;
  }

  private static long wrote(String output) {
    Matcher matcher = WROTE.matcher(output);
    assertThat(matcher.find()).as("the size line in %s", output).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  /** The task's current attempt; prints why each earlier attempt of it ended. */
  private int attemptOf(String id, LiveClient client) {
    client.events(id).stream()
        .filter(event -> event.path("kind").asText().equals("task.retrying"))
        .forEach(event -> System.out.printf("task %s was retried: %s%n", id, event.path("data")));
    return harness.task(id).path("attempt").asInt();
  }

  private static void assertGapless(List<JsonNode> events) {
    assertThat(events)
        .extracting(event -> event.path("seq").asLong())
        .containsExactlyElementsOf(rangeClosed(events.size()));
  }

  private static List<Long> rangeClosed(int count) {
    List<Long> seqs = new ArrayList<>();
    for (long seq = 1; seq <= count; seq++) {
      seqs.add(seq);
    }
    return seqs;
  }

  private static String integrityCheck(Connection db) throws SQLException {
    try (Statement statement = db.createStatement();
        ResultSet result = statement.executeQuery("PRAGMA integrity_check")) {
      result.next();
      return result.getString(1);
    }
  }

  private static List<Long> storedSeqs(Connection db, String taskId) throws SQLException {
    try (PreparedStatement query =
        db.prepareStatement("SELECT seq, data FROM events WHERE task_id = ? ORDER BY seq")) {
      query.setString(1, taskId);
      List<Long> seqs = new ArrayList<>();
      try (ResultSet result = query.executeQuery()) {
        while (result.next()) {
          assertThat(result.getString(2)).isNotEmpty();
          seqs.add(result.getLong(1));
        }
      }
      return seqs;
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a poll with a deadline
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The stand-in model's answers for several tasks at once, whose requests interleave: each task's
   * conversation is told apart by a marker in its prompt, and its next turn is the one after the
   * assistant turns the request already holds, so a retried attempt follows the same script.
   * Thread-safe.
   */
  private static final class Conversations implements Function<JsonNode, ScriptedTurn> {
    private final Map<String, List<Supplier<ScriptedTurn>>> turns = new ConcurrentHashMap<>();

    @SafeVarargs
    final Conversations on(String marker, Supplier<ScriptedTurn>... script) {
      turns.put(marker, List.of(script));
      return this;
    }

    @Override
    public ScriptedTurn apply(JsonNode request) {
      JsonNode messages = request.path("messages");
      String first = messages.path(0).toString();
      int taken = 0;
      for (JsonNode message : messages) {
        taken += message.path("role").asText().equals("assistant") ? 1 : 0;
      }
      for (Map.Entry<String, List<Supplier<ScriptedTurn>>> entry : turns.entrySet()) {
        if (first.contains(entry.getKey())) {
          List<Supplier<ScriptedTurn>> script = entry.getValue();
          return taken < script.size() ? script.get(taken).get() : ScriptedTurn.status(400);
        }
      }
      return ScriptedTurn.status(400);
    }
  }
}
