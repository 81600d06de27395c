package dev.dockhand.sandbox;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Whether the data disk can hold one more task, and why. Images are sparse, so the disks already
 * open may still grow: what they may yet take is counted as spoken for. Immutable.
 *
 * @param root the directory task disks are made in
 * @param freeBytes what the data disk has free now
 * @param promisedBytes what the open task disks may still take of it
 * @param openDisks how many task disks are open
 * @param neededBytes what one more task may take (its image size; 0 when unbounded)
 * @param marginBytes kept free for the host itself: database, logs, its own git objects
 */
public record TaskDiskRoom(
    Path root,
    long freeBytes,
    long promisedBytes,
    int openDisks,
    long neededBytes,
    long marginBytes) {

  public boolean enough() {
    return freeBytes - promisedBytes >= neededBytes + marginBytes;
  }

  /** One sentence for logs and readiness. */
  public String sentence() {
    String needs =
        neededBytes == 0
            ? "one more task (unbounded) needs the " + size(marginBytes) + " margin"
            : "one more task needs "
                + size(neededBytes)
                + " plus a "
                + size(marginBytes)
                + " margin";
    return "data disk at "
        + root
        + " has "
        + size(freeBytes)
        + " free, "
        + openDisks
        + " open task disk"
        + (openDisks == 1 ? "" : "s")
        + " may still take "
        + size(promisedBytes)
        + "; "
        + needs
        + (enough() ? "" : ": not taking work until space is freed");
  }

  private static String size(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
