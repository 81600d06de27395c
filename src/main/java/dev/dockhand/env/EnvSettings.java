package dev.dockhand.env;

import dev.dockhand.config.Env;
import java.time.Duration;

/**
 * How repository environments run on this node.
 *
 * @param setupTimeout DOCKHAND_SETUP_TIMEOUT (default 30m, 10s to 6h): the longest a task's whole
 *     setup (or, after a restore, its maintenance) may run before the task fails with {@code
 *     setup_failed}
 * @param cache DOCKHAND_ENV_CACHE_MB and DOCKHAND_ENV_CACHE_TTL: see {@link EnvCacheSettings}
 * @param checksTimeout DOCKHAND_CHECKS_TIMEOUT (default 10m, 10s to 6h): the longest one run of a
 *     repository's checks may take; a run stopped there failed (exit code -1)
 * @param checksRounds DOCKHAND_CHECKS_ROUNDS (default 2, 0 to 10): rounds the agent gets to fix
 *     failing checks, each followed by another run of them; 0 runs the checks once and only reports
 *     them
 */
public record EnvSettings(
    Duration setupTimeout, EnvCacheSettings cache, Duration checksTimeout, int checksRounds) {
  public static EnvSettings from(Env env) {
    return new EnvSettings(
        env.duration(
            "DOCKHAND_SETUP_TIMEOUT",
            Duration.ofMinutes(30),
            Duration.ofSeconds(10),
            Duration.ofHours(6)),
        EnvCacheSettings.from(env),
        env.duration(
            "DOCKHAND_CHECKS_TIMEOUT",
            Duration.ofMinutes(10),
            Duration.ofSeconds(10),
            Duration.ofHours(6)),
        env.integer("DOCKHAND_CHECKS_ROUNDS", 2, 0, 10));
  }
}
