package dev.dockhand.sandbox;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Makes one task's image and mounts it: a sparse file, ext4 with a fixed inode count and root's
 * reserve, on a loop device, nosuid and nodev. Only an image this class has just formatted is ever
 * mounted; one a container has written to is never mounted again (a crafted filesystem is an attack
 * on the kernel). Stateless and thread-safe.
 */
final class TaskDiskImage {
  private static final Duration MKFS_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LOOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LOOP_DEVICE = Pattern.compile("(?m)^/dev/loop[0-9]+$");
  static final String HINT =
      "DOCKHAND_SANDBOX_DISK_MB needs root, e2fsprogs (mkfs.ext4) and loop devices (losetup,"
          + " mount); run the server as root or set DOCKHAND_SANDBOX_DISK_MB=0";

  private TaskDiskImage() {}

  static void format(Path image, DiskSettings settings) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(settings.imageBytes());
    }
    // ext4's reserve is a percentage of all blocks; round up so root gets at least its share.
    double percent = Math.ceil(settings.reserveBytes() * 100.0 / settings.imageBytes() * 1e6) / 1e6;
    List<String> args = new ArrayList<>(List.of("-q", "-F", "-b", "4096", "-I", "256"));
    args.addAll(List.of("-N", Long.toString(settings.files())));
    args.addAll(List.of("-m", String.format(Locale.ROOT, "%.6f", percent)));
    // No journal: the filesystem never outlives its attempt, so a journal protects nothing.
    args.addAll(List.of("-O", "^has_journal,^resize_inode"));
    args.addAll(List.of("-E", "lazy_itable_init=1,nodiscard,root_owner=0:0", image.toString()));
    run(MKFS_TIMEOUT, "format", "mkfs.ext4", args);
  }

  /**
   * Binds the image to a loop device with direct I/O, so its blocks are not cached twice (once per
   * filesystem; buffered, a fresh disk wrote at a third of the data disk's speed), and mounts it.
   * The fresh sparse file already reads as zeros, so the kernel need not zero its inode tables.
   */
  static void mount(Path image, Path fs) {
    String bound =
        run(
            LOOP_TIMEOUT,
            "bind a loop device to",
            "losetup",
            List.of("--find", "--show", "--direct-io=on", image.toString()));
    String device =
        LOOP_DEVICE.matcher(bound).results().map(MatchResult::group).findFirst().orElse(null);
    if (device == null) {
      throw new SandboxException(
          "cannot bind a loop device to a task disk: losetup printed no device ("
              + bound
              + "); "
              + HINT,
          false,
          null);
    }
    try {
      run(
          MOUNT_TIMEOUT,
          "mount",
          "mount",
          List.of("-t", "ext4", "-o", "nosuid,nodev,noatime,noinit_itable", device, fs.toString()));
      // The device is busy now, so this only marks it to free itself when the filesystem is
      // unmounted, however that happens (close, a lazy unmount, cleanup after a crash).
      run(LOOP_TIMEOUT, "mark for release", "losetup", List.of("-d", device));
    } catch (SandboxException e) {
      TaskDiskLoops.detach(image);
      throw e;
    }
  }

  /** Runs one step; returns its output, or throws naming the step and what to do. */
  private static String run(Duration timeout, String step, String tool, List<String> args) {
    TaskDiskCommands.Outcome outcome;
    try {
      outcome = TaskDiskCommands.run(timeout, tool, args.toArray(String[]::new));
    } catch (TaskDiskCommands.ToolMissing e) {
      throw new SandboxException(
          "cannot " + step + " a task disk: " + tool + " is not installed; " + HINT, false, e);
    } catch (TimeoutException e) {
      throw new SandboxException("cannot " + step + " a task disk: " + e.getMessage(), true, e);
    }
    if (!outcome.ok()) {
      String said = outcome.output().isEmpty() ? "" : " (" + outcome.output() + ")";
      throw new SandboxException(
          "cannot "
              + step
              + " a task disk: "
              + tool
              + " exited with "
              + outcome.exitCode()
              + said
              + "; "
              + HINT,
          false,
          null);
    }
    return outcome.output();
  }
}
