package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.TRACKED;
import static dev.dockhand.env.CacheFixture.UID;
import static dev.dockhand.env.CacheFixture.key;
import static dev.dockhand.env.CacheFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Env;
import dev.dockhand.env.CacheFixture.Task;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.sandbox.DiskSettings;
import dev.dockhand.sandbox.DockerSandbox;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.SandboxSettings;
import dev.dockhand.sandbox.TaskDisk;
import dev.dockhand.sandbox.TaskDisks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real task containers, each on its own bounded task disk, whose /workspace and home are
 * overlays of one cached environment: each reads the cached files, and each one's writes land in
 * its own upper on its own disk, never in the other's view nor in the entry.
 */
@Tag("docker")
class EnvCacheContainerTest {
  private static final Duration SHORT = Duration.ofSeconds(60);
  private static final long MB = 1024 * 1024;

  @TempDir Path temp;

  @Test
  void containersReadTheRestoredEnvironmentAndTheirWritesStayInTheirOwnUpper() throws Exception {
    EnvironmentCache cache = CacheFixture.cache(temp.resolve("data"), 100, new ManualClock(), true);
    EnvKey key = key("npm ci");
    Task setUp = CacheFixture.setUp(temp.resolve("setup"), 3);
    assertThat(cache.save(key, setUp.workspace(), setUp.home(), TRACKED, UID, UID)).isPresent();
    TaskDisks disks = new TaskDisks(temp.resolve("disks"), new DiskSettings(64 * MB, 4000));
    String node = "test-" + UUID.randomUUID().toString().substring(0, 8);

    try (DockerSandbox sandbox = new DockerSandbox(settings(), node);
        TaskDisk first = disks.create("first");
        TaskDisk second = disks.create("second");
        Restored one = restore(cache, key, first);
        Restored two = restore(cache, key, second);
        SandboxContainer writer = sandbox.start("env-first-" + node, first.files());
        SandboxContainer reader = sandbox.start("env-second-" + node, second.files())) {
      assertThat(one.method()).isEqualTo(Restored.Method.OVERLAY);
      String wrote =
          writer
              .exec(
                  bash(
                      "cat /workspace/node_modules/dep0/index.js; echo; cat ~/.npm/_cacache/index;"
                          + " echo; echo changed > /workspace/node_modules/dep0/index.js"
                          + " && echo new > /workspace/new.txt && rm -r /workspace/node_modules/dep1"
                          + " && echo wrote"))
              .output();
      assertThat(wrote.lines()).containsExactly("module 0", "cached", "wrote");

      String read =
          reader
              .exec(
                  bash(
                      "cat /workspace/node_modules/dep0/index.js; echo; ls /workspace;"
                          + " ls /workspace/node_modules"))
              .output();
      assertThat(read.lines()).containsExactly("module 0", "node_modules", "dep0", "dep1", "dep2");

      Path upper = first.workspace().resolveSibling("env").resolve("workspace/upper");
      assertThat(upper.resolve("node_modules/dep0/index.js")).hasContent("changed");
      assertThat(upper.resolve("new.txt")).hasContent("new");
      assertThat(tree(second.workspace().resolveSibling("env").resolve("workspace/upper")))
          .as("the reader wrote nothing")
          .isEmpty();
      Path entry = CacheFixture.entries(temp.resolve("data")).getFirst();
      assertThat(entry.resolve("workspace/node_modules/dep0/index.js")).hasContent("module 0");
      assertThat(entry.resolve("workspace/node_modules/dep1/index.js")).exists();
    }
  }

  private static Restored restore(EnvironmentCache cache, EnvKey key, TaskDisk disk) {
    return cache
        .restore(key, disk.workspace(), disk.home(), disk.workspace().resolveSibling("env"))
        .orElseThrow();
  }

  private static ExecRequest bash(String script) {
    return ExecRequest.of(SHORT, "bash", "-c", script);
  }

  private static SandboxSettings settings() {
    Map<String, String> values = new HashMap<>();
    values.put("DOCKHAND_SANDBOX_MEMORY_MB", "256");
    values.put("DOCKHAND_SANDBOX_PIDS", "128");
    String runtime = System.getenv("DOCKHAND_SANDBOX_RUNTIME");
    if (runtime != null && !runtime.isBlank()) {
      values.put("DOCKHAND_SANDBOX_RUNTIME", runtime);
    }
    return SandboxSettings.from(new Env(values));
  }
}
