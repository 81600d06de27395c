package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.UID;
import static dev.dockhand.env.CacheFixture.key;

import dev.dockhand.queue.ManualClock;
import dev.dockhand.sandbox.DiskSettings;
import dev.dockhand.sandbox.TaskDisk;
import dev.dockhand.sandbox.TaskDisks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Prints what the cache costs on this host: saving a node_modules-like tree of 20,000 small files,
 * then restoring it onto a bounded task disk by overlay and by the copy it falls back to, and
 * handing the result to the sandbox user. Argument: a scratch directory on the data disk.
 */
public final class EnvCacheFiguresMain {
  private static final int PACKAGES = 2000;
  private static final int FILES_PER_PACKAGE = 10;
  private static final int ROUNDS = 5;

  private EnvCacheFiguresMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    CacheFixture.Task setUp = CacheFixture.Task.in(dir.resolve("setup"));
    for (int p = 0; p < PACKAGES; p++) {
      Path pkg = setUp.workspace().resolve("node_modules/pkg" + p + "/lib");
      Files.createDirectories(pkg);
      for (int f = 0; f < FILES_PER_PACKAGE; f++) {
        Files.writeString(pkg.resolve("f" + f + ".js"), "module.exports = " + "x".repeat(400 + f));
      }
    }
    CacheFixture.run("chown", "-R", UID + ":" + UID, setUp.workspace().toString());
    EnvironmentCache cache =
        CacheFixture.cache(dir.resolve("data"), 10240, new ManualClock(), true);
    EnvKey key = key("npm ci");
    EnvironmentCache.Saved saved =
        cache.save(key, setUp.workspace(), setUp.home(), Set.of(), UID, UID).orElseThrow();
    System.out.printf(
        "save: %d files, %d MiB counted, %d ms%n",
        PACKAGES * FILES_PER_PACKAGE, saved.sizeBytes() >> 20, saved.duration().toMillis());
    // A second view of the same entries that restores by copy, for comparison.
    EnvironmentCache copying =
        CacheFixture.cache(dir.resolve("data"), 10240, new ManualClock(), false);

    TaskDisks disks = new TaskDisks(dir.resolve("disks"), new DiskSettings(2048L << 20, 100_000));
    List<Long> overlay = new ArrayList<>();
    List<Long> copy = new ArrayList<>();
    List<Long> giveTo = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (EnvironmentCache each : List.of(cache, copying)) {
        try (TaskDisk disk = disks.create("figures-" + round);
            Restored restored =
                each.restore(
                        key, disk.workspace(), disk.home(), disk.workspace().resolveSibling("env"))
                    .orElseThrow()) {
          (restored.method() == Restored.Method.OVERLAY ? overlay : copy)
              .add(restored.duration().toMillis());
          if (restored.method() == Restored.Method.OVERLAY) {
            long start = System.nanoTime();
            disk.giveTo(UID, UID);
            giveTo.add((System.nanoTime() - start) / 1_000_000);
          }
        }
      }
    }
    System.out.printf("restore by overlay, ms: %s (median %d)%n", overlay, median(overlay));
    System.out.printf("restore by copy, ms:    %s (median %d)%n", copy, median(copy));
    System.out.printf("giveTo on the overlay, ms: %s (median %d)%n", giveTo, median(giveTo));
    System.out.printf("copy / overlay: %.0fx%n", (double) median(copy) / median(overlay));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
