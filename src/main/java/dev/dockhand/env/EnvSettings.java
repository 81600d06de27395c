package dev.dockhand.env;

import dev.dockhand.config.Env;
import java.time.Duration;

/**
 * How repository environments run on this node.
 *
 * @param setupTimeout DOCKHAND_SETUP_TIMEOUT (default 30m, 10s to 6h): the longest a task's whole
 *     setup may run before the task fails with {@code setup_failed}
 */
public record EnvSettings(Duration setupTimeout) {
  public static EnvSettings from(Env env) {
    return new EnvSettings(
        env.duration(
            "DOCKHAND_SETUP_TIMEOUT",
            Duration.ofMinutes(30),
            Duration.ofSeconds(10),
            Duration.ofHours(6)));
  }
}
