package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.dockhand.sandbox.PoolFixture.Attempt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm pool against the real engine: what a task gets from it, and what the pool holds. */
@Tag("docker")
class WarmPoolTest {
  private static final Duration SHORT = Duration.ofSeconds(30);

  @TempDir Path temp;
  private PoolFixture fixture;
  private DockerSandbox sandbox;
  private WarmPool pool;

  @BeforeEach
  void fill() throws Exception {
    fixture = new PoolFixture(temp);
    sandbox = new DockerSandbox(PoolFixture.settings(Map.of()), SandboxFixture.uniqueNode());
    pool = fixture.pool(sandbox);
    PoolFixture.awaitFull(pool, 2);
  }

  @AfterEach
  void close() throws Exception {
    fixture.close();
  }

  @Test
  void aTaskGetsAStartedContainerThatSeesItsOwnFilesAndReachesOutThroughItsOwnProxy()
      throws Exception {
    Attempt attempt = fixture.attempt();
    Files.writeString(attempt.disk().workspace().resolve("cloned.txt"), "the task's clone\n");
    Files.writeString(attempt.disk().tmp().resolve("scratch.txt"), "the task's tmp\n");
    Files.writeString(attempt.disk().home().resolve("note.txt"), "the task's home\n");
    // What a restored environment mounts in the workspace comes along, as into a fresh container.
    Path restored = Files.createDirectory(attempt.disk().workspace().resolve("node_modules"));
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", restored.toString());
    String taskId = "pooled-" + System.nanoTime();
    try {
      Files.writeString(restored.resolve("left-pad.js"), "restored\n");
      try (SandboxContainer container = pool.start(taskId, attempt.files())) {
        ExecResult seen =
            container.exec(
                bash(
                    SHORT,
                    "cat /workspace/cloned.txt /tmp/scratch.txt ~/note.txt"
                        + " /workspace/node_modules/left-pad.js;"
                        + " echo by the agent > /workspace/written.txt; id -u"));
        ExecResult viaProxy =
            container.exec(bash(SHORT, "curl -sS --noproxy '' " + fixture.registryUrl()));

        assertThat(fixture.handOvers).containsExactly(true);
        assertThat(seen.output())
            .isEqualTo("the task's clone\nthe task's tmp\nthe task's home\nrestored\n1000\n");
        Path written = attempt.disk().workspace().resolve("written.txt");
        assertThat(Files.readString(written)).isEqualTo("by the agent\n");
        assertThat(Files.getAttribute(written, "unix:uid", LinkOption.NOFOLLOW_LINKS))
            .isEqualTo(1000);
        assertThat(viaProxy.output()).as(viaProxy.output()).isEqualTo("registry says hi");
        assertThat(Files.readString(attempt.disk().home().resolve(".m2/settings.xml")))
            .contains("<port>3128</port>");
        assertThat(engineName(container.id())).isEqualTo("/" + ContainerSpec.containerName(taskId));
      }
    } finally {
      run("umount", restored.toString());
    }
  }

  @Test
  void aPooledContainerServesOneTaskAndGoesWithItsSlotWhenClosed() throws Exception {
    Attempt first = fixture.attempt();
    Attempt second = fixture.attempt();
    String oneId;
    try (SandboxContainer two = pool.start("two-" + System.nanoTime(), second.files())) {
      try (SandboxContainer one = pool.start("one-" + System.nanoTime(), first.files())) {
        oneId = one.id();
        one.exec(bash(SHORT, "echo mine > /workspace/one.txt"));
        ExecResult fromTheOther = two.exec(bash(SHORT, "ls -A /workspace /tmp ~"));

        assertThat(fixture.handOvers).containsExactly(true, true);
        assertThat(one.id()).isNotEqualTo(two.id());
        assertThat(fromTheOther.output()).doesNotContain("one.txt");
      }
      assertGone(() -> sandbox.engine().client().inspectContainerCmd(oneId).exec());
      assertThat(Files.readString(first.disk().workspace().resolve("one.txt")))
          .as("the task's own files outlive its container")
          .isEqualTo("mine\n");
      assertThat(slotsShowing(first.disk())).isEmpty();
      assertThat(slotsShowing(second.disk())).as("workspace, /tmp and home").hasSize(3);
    }
    assertThat(slotsShowing(second.disk())).isEmpty();

    PoolFixture.awaitFull(pool, 2);
    try (SandboxContainer three = pool.start("three-" + System.nanoTime(), first.files())) {
      assertThat(three.id()).isNotEqualTo(oneId);
    }
  }

  @Test
  void thePoolRefillsInTheBackgroundAndNeverHoldsMoreThanItsSize() throws Exception {
    AtomicInteger most = new AtomicInteger();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (watching.get()) {
                    most.accumulateAndGet(waitingInThePool().size(), Math::max);
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                  }
                });
    List<SandboxContainer> taken =
        List.of(
            pool.start("a-" + System.nanoTime(), fixture.attempt().files()),
            pool.start("b-" + System.nanoTime(), fixture.attempt().files()),
            pool.start("c-" + System.nanoTime(), fixture.attempt().files()));
    try {
      PoolFixture.awaitFull(pool, 2);
      watching.set(false);
      watcher.join();

      assertThat(fixture.handOvers).as("two from the pool, then a fresh one").hasSize(3);
      assertThat(fixture.handOvers.subList(0, 2)).containsExactly(true, true);
      assertThat(most.get()).isLessThanOrEqualTo(2);
      assertThat(waitingInThePool()).hasSize(2);
      assertThat(taken)
          .extracting(container -> engineName(container.id()))
          .allSatisfy(name -> assertThat(name).doesNotStartWith("/dockhand-pool-"));
    } finally {
      watching.set(false);
      taken.forEach(SandboxContainer::close);
    }
  }

  @Test
  void aStartThePoolCannotServeGetsAFreshContainerAndLeavesThePoolAsItWas() throws Exception {
    Path workspace = Files.createDirectory(temp.resolve("bare"));
    try (SandboxContainer bare = pool.start("bare-" + System.nanoTime(), workspace)) {
      assertThat(bare.exec(bash(SHORT, "findmnt -no FSTYPE /tmp")).output().strip())
          .isEqualTo("tmpfs");
      assertThat(fixture.handOvers).isEmpty();
      assertThat(pool.idle()).isEqualTo(2);
    }
  }

  /** The pool's own containers on the engine (serving ones are named for their task). */
  private List<Container> waitingInThePool() {
    return sandbox
        .engine()
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(ContainerSpec.NODE_LABEL, sandbox.nodeId()))
        .exec()
        .stream()
        .filter(container -> container.getNames()[0].startsWith("/dockhand-pool-"))
        .toList();
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }

  private String engineName(String id) {
    return sandbox.engine().client().inspectContainerCmd(id).exec().getName();
  }

  /** The pool's slot directories on which {@code disk} is mounted. */
  private List<Path> slotsShowing(TaskDisk disk) throws Exception {
    Object device = Files.getAttribute(disk.workspace(), "unix:dev");
    return TaskDiskMounts.below(temp.resolve("pool").resolve(sandbox.nodeId()).toRealPath())
        .stream()
        .filter(point -> device.equals(device(point)))
        .toList();
  }

  private static Object device(Path point) {
    try {
      return Files.getAttribute(point, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (java.io.IOException goneMeanwhile) {
      return null;
    }
  }

  private static void assertGone(ThrowingCallable inspect) {
    org.assertj.core.api.Assertions.assertThatThrownBy(inspect)
        .isInstanceOf(NotFoundException.class);
  }
}
