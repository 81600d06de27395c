package dev.dockhand.bench.sandbox;

import dev.dockhand.config.Env;
import dev.dockhand.sandbox.DockerSandbox;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.SandboxSettings;
import dev.dockhand.sandbox.TestTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One task container's whole life through the sandbox (create, start, exec {@code true}, destroy)
 * against the baseline {@code docker run --rm IMAGE true} with the docker CLI, interleaved in the
 * same run. Prints the medians and their ratio; the target is at most 1.2.
 *
 * <p>usage: SandboxBench [rounds] (default 15, after 3 warm-up rounds of each)
 */
public final class SandboxBench {
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    SandboxSettings settings = SandboxSettings.from(new Env(System.getenv()));
    List<Long> sandboxMs = new ArrayList<>();
    List<Long> cliMs = new ArrayList<>();
    try (DockerSandbox sandbox =
        new DockerSandbox(settings, "bench-" + ProcessHandle.current().pid())) {
      System.out.println(sandbox.health().summary());
      for (int round = -3; round < rounds; round++) {
        long viaSandbox = throughSandbox(sandbox, round);
        long viaCli = throughCli(settings.image());
        if (round >= 0) {
          sandboxMs.add(viaSandbox);
          cliMs.add(viaCli);
        }
      }
    }
    double sandboxMedian = median(sandboxMs);
    double cliMedian = median(cliMs);
    System.out.printf("rounds: %d%n", rounds);
    System.out.printf(
        "sandbox create+start+exec true+destroy: median %.0f ms %s%n", sandboxMedian, sandboxMs);
    System.out.printf(
        "docker run --rm IMAGE true (CLI):       median %.0f ms %s%n", cliMedian, cliMs);
    System.out.printf("ratio sandbox/cli: %.2f (target <= 1.20)%n", sandboxMedian / cliMedian);
  }

  private static long throughSandbox(DockerSandbox sandbox, int round) throws IOException {
    Path workspace = Files.createTempDirectory("dockhand-bench-");
    try {
      long started = System.nanoTime();
      try (SandboxContainer container =
          sandbox.start("bench-" + round + "-" + System.nanoTime(), workspace)) {
        ExecResult result = container.exec(ExecRequest.of(Duration.ofSeconds(30), "true"));
        if (result.exitCode() != 0) {
          throw new IllegalStateException("true failed: " + result);
        }
      }
      return (System.nanoTime() - started) / 1_000_000;
    } finally {
      TestTrees.delete(workspace);
    }
  }

  private static long throughCli(String image) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Process process =
        new ProcessBuilder("docker", "run", "--rm", image, "true")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("docker run failed with exit " + process.exitValue());
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static double median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
  }

  private SandboxBench() {}
}
