package dev.dockhand.bench.git;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.git.GitIdentity;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.GitWorkspace;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.git.WorkspaceLimits;
import dev.dockhand.testkit.GitHttpServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host-side commit of a worktree with N files (100 per directory), 1% of them edited, against
 * the real git on the same worktree in the same run: {@code git add -A} into a fresh index and
 * {@code git write-tree}, which also hashes every file (with no index to trust, as the host has
 * none). Prints both times, their ratio, and the peak heap seen while the commit ran.
 */
public final class CommitBench {
  private static final String TOKEN = "ghs_bench_token";

  private CommitBench() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path temp = Files.createTempDirectory("dockhand-commit-bench");
    try (GitHttpServer server = GitHttpServer.start(TOKEN)) {
      Map<String, String> content = new TreeMap<>();
      for (int i = 0; i < files; i++) {
        content.put("d" + i / 100 + "/f" + i + ".txt", "line " + i + "\n".repeat(1 + i % 7));
      }
      server.createRepo("acme/big", content);
      RepoUrl repo = RepoUrl.parse("acme/big", GitSettings.from(new Env(server.environment())));
      long cloneStart = System.nanoTime();
      GitWorkspace workspace =
          GitWorkspace.clone(
              repo,
              Optional.empty(),
              Optional.empty(),
              temp.resolve("host.git"),
              temp.resolve("ws"),
              new Secret(TOKEN),
              WorkspaceLimits.DEFAULT);
      long cloneMillis = (System.nanoTime() - cloneStart) / 1_000_000;
      run(workspace.workTree(), workspace.checkoutCommand());
      for (int i = 0; i < files; i += 100) {
        Files.writeString(
            workspace.workTree().resolve("d" + i / 100 + "/f" + i + ".txt"), "edited\n");
      }
      System.gc();
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      AtomicLong peak = new AtomicLong(memory.getHeapMemoryUsage().getUsed());
      Thread sampler =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                      peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                      try {
                        Thread.sleep(5);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      long commitStart = System.nanoTime();
      workspace.commitAll("Edit 1%", GitIdentity.AGENT, GitIdentity.AGENT).orElseThrow();
      long commitMillis = (System.nanoTime() - commitStart) / 1_000_000;
      sampler.interrupt();
      long gitStart = System.nanoTime();
      Path index = temp.resolve("fresh-index");
      run(workspace.workTree(), List.of("env", "GIT_INDEX_FILE=" + index, "git", "add", "-A"));
      run(workspace.workTree(), List.of("env", "GIT_INDEX_FILE=" + index, "git", "write-tree"));
      long gitMillis = (System.nanoTime() - gitStart) / 1_000_000;
      System.out.printf(
          "files=%d clone=%dms commit=%dms git-add-write-tree=%dms ratio=%.2f peak-heap=%dMiB"
              + " max-heap=%dMiB%n",
          files,
          cloneMillis,
          commitMillis,
          gitMillis,
          commitMillis / (double) gitMillis,
          peak.get() >> 20,
          Runtime.getRuntime().maxMemory() >> 20);
    } finally {
      run(temp.getParent(), List.of("rm", "-rf", temp.toString()));
    }
  }

  private static void run(Path dir, List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }
}
