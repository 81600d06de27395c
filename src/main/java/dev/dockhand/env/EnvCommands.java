package dev.dockhand.env;

import dev.dockhand.sandbox.TaskDiskCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Runs mount, umount and cp for the cache, as the task disks run theirs ({@link TaskDiskCommands}:
 * argument lists, never a shell, with a time limit). Stateless and thread-safe.
 */
final class EnvCommands {
  private EnvCommands() {}

  /** Runs the command; returns normally only when it exited with 0. */
  static void run(Duration timeout, String tool, String... args) throws IOException {
    TaskDiskCommands.Outcome outcome;
    try {
      outcome = TaskDiskCommands.run(timeout, tool, args);
    } catch (TimeoutException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!outcome.ok()) {
      String said = outcome.output();
      throw new IOException(
          tool
              + " exited with "
              + outcome.exitCode()
              + ": "
              + said.substring(0, Math.min(512, said.length())));
    }
  }
}
