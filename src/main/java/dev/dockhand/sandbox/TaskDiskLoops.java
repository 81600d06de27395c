package dev.dockhand.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loop devices still bound to a task image. Each device is marked to free itself once its
 * filesystem is unmounted, so one is left only when a crash fell between binding and marking.
 * Stateless and thread-safe.
 */
final class TaskDiskLoops {
  private static final Logger log = LoggerFactory.getLogger(TaskDiskLoops.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** {@code losetup -j} prints one line per device: "/dev/loop3: [2049]:1234 (/path/disk.img)". */
  private static final Pattern DEVICE = Pattern.compile("^(/dev/loop[0-9]+):", Pattern.MULTILINE);

  private TaskDiskLoops() {}

  /** Detaches every loop device bound to {@code image}. Never throws. */
  static void detach(Path image) {
    try {
      TaskDiskCommands.Outcome found =
          TaskDiskCommands.run(TIMEOUT, "losetup", "-j", image.toString());
      Matcher devices = DEVICE.matcher(found.output());
      while (devices.find()) {
        String device = devices.group(1);
        TaskDiskCommands.Outcome detached = TaskDiskCommands.run(TIMEOUT, "losetup", "-d", device);
        if (detached.ok()) {
          log.info("detached loop device {} left bound to {}", device, image);
        } else {
          log.warn("cannot detach loop device {}: {}", device, detached.output());
        }
      }
    } catch (TaskDiskCommands.ToolMissing | TimeoutException e) {
      log.warn("cannot look for loop devices bound to {}: {}", image, e.getMessage());
    }
  }
}
