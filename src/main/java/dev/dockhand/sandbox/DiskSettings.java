package dev.dockhand.sandbox;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;

/**
 * How much disk one task attempt may use. The bound is a filesystem of its own per attempt (see
 * {@link TaskDisks}), so it holds against a writer of any speed; nothing polls.
 *
 * @param limitBytes DOCKHAND_SANDBOX_DISK_MB (default 10240, at least 64) in bytes: the space one
 *     task may fill, its workspace, /tmp, home and the host-side clone together; 0 means unbounded
 *     (plain directories on the data disk), an operator's explicit choice worth a warning at start
 * @param files DOCKHAND_SANDBOX_FILES (default 500000, 1000 to 50000000 and at most one per 64
 *     bytes of the limit): how many files and directories one task may hold, the same four areas
 *     together; not enforced when the disk is unbounded
 */
public record DiskSettings(long limitBytes, long files) {
  static final long MIN_LIMIT_MB = 64;
  static final long MAX_LIMIT_MB = 16L * 1024 * 1024;
  static final long MIN_FILES = 1000;
  static final long MAX_FILES = 50_000_000;
  private static final long MB = 1024 * 1024;

  /** ext4's inode size: each allowed file costs this much of the image, written lazily. */
  static final long INODE_BYTES = 256;

  private static final long BYTES_PER_FILE_AT_LEAST = 64;

  public DiskSettings {
    if (limitBytes != 0 && (limitBytes < MIN_LIMIT_MB * MB || limitBytes > MAX_LIMIT_MB * MB)) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_DISK_MB",
          "must be 0 (unbounded) or between "
              + MIN_LIMIT_MB
              + " and "
              + MAX_LIMIT_MB
              + ", got "
              + limitBytes / MB);
    }
    if (files < MIN_FILES || files > MAX_FILES) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_FILES",
          "must be between " + MIN_FILES + " and " + MAX_FILES + ", got " + files);
    }
    // ext4 cannot lay out inode tables that dwarf the space they index; the default always fits.
    if (limitBytes > 0 && files > limitBytes / BYTES_PER_FILE_AT_LEAST) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_FILES",
          "must be at most one per "
              + BYTES_PER_FILE_AT_LEAST
              + " bytes of DOCKHAND_SANDBOX_DISK_MB ("
              + limitBytes / BYTES_PER_FILE_AT_LEAST
              + "), got "
              + files);
    }
  }

  public static DiskSettings from(Env env) {
    long mb = env.longValue("DOCKHAND_SANDBOX_DISK_MB", 10240, 0, MAX_LIMIT_MB);
    if (mb != 0 && mb < MIN_LIMIT_MB) {
      throw new ConfigException(
          "DOCKHAND_SANDBOX_DISK_MB",
          "must be 0 (unbounded) or between "
              + MIN_LIMIT_MB
              + " and "
              + MAX_LIMIT_MB
              + ", got "
              + mb);
    }
    return new DiskSettings(
        mb * MB, env.longValue("DOCKHAND_SANDBOX_FILES", 500_000, MIN_FILES, MAX_FILES));
  }

  /** One line for the start-up log; when unbounded it reads as the warning it is. */
  public String describe() {
    return bounded()
        ? "each task may use " + limitBytes / MB + " MB and " + files + " files"
        : "task disks are unbounded (DOCKHAND_SANDBOX_DISK_MB=0): one task can fill the data disk";
  }

  /** Whether each task gets a filesystem of its own; false means plain directories. */
  public boolean bounded() {
    return limitBytes > 0;
  }

  /**
   * Space only root may use, on top of the limit: when the agent (never root) has filled its disk,
   * the coordinator can still commit what it wrote. 2 %, at least 16 MB.
   */
  public long reserveBytes() {
    return bounded() ? Math.max(16 * MB, limitBytes / 50) : 0;
  }

  /**
   * The size of one task's image file: the limit, root's reserve, the inode tables, and a little
   * for ext4's own bookkeeping (bitmaps, group descriptors; measured, per MB and per file). It is
   * sparse, so this is what it may grow to on the data disk, not what it takes at the start.
   */
  public long imageBytes() {
    if (!bounded()) {
      return 0;
    }
    long bookkeeping = 4 * MB + limitBytes / 512 + files * 4;
    long raw = limitBytes + reserveBytes() + files * INODE_BYTES + bookkeeping;
    return (raw + 4095) / 4096 * 4096;
  }
}
