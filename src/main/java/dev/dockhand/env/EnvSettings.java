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
 */
public record EnvSettings(Duration setupTimeout, EnvCacheSettings cache) {
  public static EnvSettings from(Env env) {
    return new EnvSettings(
        env.duration(
            "DOCKHAND_SETUP_TIMEOUT",
            Duration.ofMinutes(30),
            Duration.ofSeconds(10),
            Duration.ofHours(6)),
        EnvCacheSettings.from(env));
  }
}
