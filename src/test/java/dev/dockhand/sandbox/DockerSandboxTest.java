package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("docker")
class DockerSandboxTest {
  private static final Duration SHORT = Duration.ofSeconds(30);
  private static DockerSandbox sandbox;

  @BeforeAll
  static void connect() {
    sandbox = new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode());
  }

  @AfterAll
  static void disconnect() {
    sandbox.close();
  }

  @Test
  void aCommandRunsInTheWorkspaceAndStreamsItsOutput(@TempDir Path workspace) {
    SandboxFixture.Chunks chunks = new SandboxFixture.Chunks();
    try (SandboxContainer container = sandbox.start("run-" + System.nanoTime(), workspace)) {
      ExecResult result =
          container.exec(bash(SHORT, "pwd; echo out; echo err >&2; exit 3", chunks));

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.output()).contains("/workspace", "out", "err");
      assertThat(result.truncated()).isFalse();
      assertThat(result.timedOut()).isFalse();
      assertThat(chunks.joined()).isEqualTo(result.output());
    }
  }

  @Test
  void stdinReachesTheCommandAndEndsSoItCanFinish(@TempDir Path workspace) throws Exception {
    byte[] content = "line one\nünïcödé line two\n".getBytes(StandardCharsets.UTF_8);
    try (SandboxContainer container = sandbox.start("stdin-" + System.nanoTime(), workspace)) {
      ExecResult result =
          container.exec(
              new ExecRequest(
                  List.of("sh", "-c", "cat > notes.txt && wc -l < notes.txt"),
                  "/workspace",
                  Map.of(),
                  content,
                  SHORT,
                  chunk -> {}));

      assertThat(result.exitCode()).isZero();
      assertThat(result.output().trim()).isEqualTo("2");
      assertThat(Files.readAllBytes(workspace.resolve("notes.txt"))).isEqualTo(content);
    }
  }

  @Test
  void closingRemovesTheContainer(@TempDir Path workspace) {
    SandboxContainer container = sandbox.start("close-" + System.nanoTime(), workspace);
    container.close();
    container.close();

    assertThat(
            sandbox.engine().client().listContainersCmd().withShowAll(true).exec().stream()
                .map(Container::getId))
        .doesNotContain(container.id());
  }

  @Test
  void startingATaskAgainReplacesTheContainerLeftByItsEarlierAttempt(@TempDir Path workspace) {
    String taskId = "again-" + System.nanoTime();
    SandboxContainer first = sandbox.start(taskId, workspace);
    try (SandboxContainer second = sandbox.start(taskId, workspace)) {
      assertThat(second.id()).isNotEqualTo(first.id());
      assertThat(second.exec(bash(SHORT, "echo fresh")).output()).isEqualTo("fresh\n");
      assertThat(
              sandbox.engine().client().listContainersCmd().withShowAll(true).exec().stream()
                  .map(Container::getId))
          .doesNotContain(first.id());
    }
  }

  @Test
  void closingEndsACommandInFlightAndRemovesTheContainer(@TempDir Path workspace) throws Exception {
    SandboxContainer container = sandbox.start("hang-" + System.nanoTime(), workspace);
    CountDownLatch running = new CountDownLatch(1);
    var hanging =
        CompletableFuture.supplyAsync(
            () ->
                container.exec(
                    bash(
                        Duration.ofMinutes(10),
                        "echo started; sleep 600",
                        chunk -> running.countDown())));
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

    container.close();
    ExecResult result = hanging.get(30, TimeUnit.SECONDS);

    assertThat(result.exitCode()).isNotZero();
    assertThat(
            sandbox.engine().client().listContainersCmd().withShowAll(true).exec().stream()
                .map(Container::getId))
        .doesNotContain(container.id());
  }

  @Test
  void aContainerThatStopsUnderACommandEndsItAtOnceSaysWhyAndIsStartedAgain(@TempDir Path workspace)
      throws Exception {
    // The engine's kill stands for what stops a container by itself: under gVisor an out-of-memory
    // kill takes the whole sandbox kernel, and the engine then keeps the exec's stream open.
    try (SandboxContainer container = sandbox.start("stops-" + System.nanoTime(), workspace)) {
      CountDownLatch running = new CountDownLatch(1);
      var hanging =
          CompletableFuture.supplyAsync(
              () ->
                  container.exec(
                      bash(
                          Duration.ofMinutes(10),
                          "echo kept > kept.txt; echo started; sleep 600",
                          chunk -> running.countDown())));
      assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

      sandbox.engine().client().killContainerCmd(container.id()).exec();
      ExecResult stopped = hanging.get(30, TimeUnit.SECONDS);
      ExecResult next = container.exec(bash(SHORT, "cat kept.txt"));

      assertThat(stopped.exitCode()).isEqualTo(137);
      assertThat(stopped.timedOut()).isFalse();
      assertThat(stopped.output())
          .contains("started", "[dockhand: the container stopped:", "it was started again");
      assertThat(next.exitCode()).isZero();
      assertThat(next.output()).isEqualTo("kept\n");
    }
  }

  @Test
  void aContainerThatStoppedBetweenCommandsIsStartedAgainForTheNext(@TempDir Path workspace) {
    try (SandboxContainer container = sandbox.start("stopped-" + System.nanoTime(), workspace)) {
      sandbox.engine().client().killContainerCmd(container.id()).exec();

      ExecResult next = container.exec(bash(SHORT, "echo fresh"));

      assertThat(next.exitCode()).isZero();
      assertThat(next.output()).startsWith("[dockhand: the container stopped:").endsWith("fresh\n");
    }
  }

  @Test
  void aLargeFileWrittenThroughStdinArrivesIntact(@TempDir Path workspace) throws Exception {
    byte[] content = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(content);
    try (SandboxContainer container = sandbox.start("big-stdin-" + System.nanoTime(), workspace)) {
      ExecResult result =
          container.exec(
              new ExecRequest(
                  List.of("sh", "-c", "cat > blob.bin"),
                  "/workspace",
                  Map.of(),
                  content,
                  SHORT,
                  chunk -> {}));

      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(Files.readAllBytes(workspace.resolve("blob.bin"))).isEqualTo(content);
    }
  }
}
