package dev.dockhand.sandbox;

import dev.dockhand.egress.EgressProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Time from {@code start()} to a container ready for its first command, with the warm pool and
 * without, alternating in one run (10 each unless an argument says otherwise), on real task disks
 * with an egress proxy each (the allowlist mode, so the relay and the proxy settings are in the
 * path). Prints the medians and their ratio.
 */
public final class WarmPoolFiguresMain {
  private WarmPoolFiguresMain() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path dataDir = Files.createTempDirectory("dockhand-pool-figures-");
    List<Long> fresh = new ArrayList<>();
    List<Long> pooled = new ArrayList<>();
    List<Long> firstExecFresh = new ArrayList<>();
    List<Long> firstExecPooled = new ArrayList<>();
    try (PoolFixture fixture = new PoolFixture(dataDir)) {
      DockerSandbox sandbox =
          new DockerSandbox(PoolFixture.settings(Map.of()), SandboxFixture.uniqueNode());
      WarmPool pool = fixture.pool(sandbox);
      for (int round = 0; round < rounds; round++) {
        PoolFixture.awaitFull(pool, 2);
        measure(sandbox, fixture, "fresh-" + round, fresh, firstExecFresh);
        PoolFixture.awaitFull(pool, 2);
        measure(pool, fixture, "pooled-" + round, pooled, firstExecPooled);
      }
      if (fixture.handOvers.contains(false)) {
        throw new IllegalStateException("a pooled start missed: " + fixture.handOvers);
      }
    } finally {
      TestTrees.delete(dataDir);
    }
    System.out.printf(
        "start() to ready, median of %d: fresh %d ms, pooled %d ms (ratio %.2f)%n",
        rounds, median(fresh), median(pooled), (double) median(pooled) / median(fresh));
    System.out.printf(
        "start() plus a first command: fresh %d ms, pooled %d ms%n",
        median(firstExecFresh), median(firstExecPooled));
    System.out.println("fresh:  " + fresh);
    System.out.println("pooled: " + pooled);
  }

  private static void measure(
      Sandbox sandbox, PoolFixture fixture, String taskId, List<Long> start, List<Long> withExec) {
    PoolFixture.Attempt attempt = fixture.attempt();
    long begin = System.nanoTime();
    try (TaskDisk disk = attempt.disk();
        EgressProxy proxy = attempt.proxy();
        SandboxContainer container =
            sandbox.start(taskId + "-" + System.nanoTime(), attempt.files())) {
      long ready = System.nanoTime();
      container.exec(ExecRequest.of(Duration.ofSeconds(30), "true"));
      long ran = System.nanoTime();
      start.add((ready - begin) / 1_000_000);
      withExec.add((ran - begin) / 1_000_000);
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
