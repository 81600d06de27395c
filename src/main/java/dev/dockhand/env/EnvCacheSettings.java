package dev.dockhand.env;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much the cache of set-up environments may hold on this node, and for how long.
 *
 * @param maxBytes DOCKHAND_ENV_CACHE_MB (default 10240, in MiB) in bytes: the most the cached
 *     environments may take on the data disk together, least recently used evicted first; one
 *     environment larger than this is not kept. 0 turns the cache off: every task runs its setup
 * @param ttl DOCKHAND_ENV_CACHE_TTL (default 7d, from 1m to 365d; 30m, 12h and a bare number of
 *     seconds are read too): how long after it was made an environment is still restored; an older
 *     one is deleted and the next task sets up afresh, picking up what changed upstream
 */
public record EnvCacheSettings(long maxBytes, Duration ttl) {
  static final String MB_KEY = "DOCKHAND_ENV_CACHE_MB";
  static final String TTL_KEY = "DOCKHAND_ENV_CACHE_TTL";
  static final long MAX_MB = 16L * 1024 * 1024;
  private static final long MIB = 1024 * 1024;
  private static final Duration MIN_TTL = Duration.ofMinutes(1);
  private static final Duration MAX_TTL = Duration.ofDays(365);
  private static final Pattern DAYS = Pattern.compile("(\\d{1,6})\\s*d", Pattern.CASE_INSENSITIVE);

  public static final EnvCacheSettings DEFAULT =
      new EnvCacheSettings(10240 * MIB, Duration.ofDays(7));

  public static EnvCacheSettings from(Env env) {
    long mb = env.longValue(MB_KEY, DEFAULT.maxBytes / MIB, 0, MAX_MB);
    return new EnvCacheSettings(mb * MIB, ttl(env));
  }

  /** Whether environments are cached at all. */
  public boolean enabled() {
    return maxBytes > 0;
  }

  /** {@link Env#duration} knows no days, and a week is this setting's natural unit. */
  private static Duration ttl(Env env) {
    Optional<String> raw = env.optional(TTL_KEY);
    Matcher days = DAYS.matcher(raw.orElse(""));
    if (!days.matches()) {
      return env.duration(TTL_KEY, DEFAULT.ttl, MIN_TTL, MAX_TTL);
    }
    Duration value = Duration.ofDays(Long.parseLong(days.group(1)));
    if (value.compareTo(MIN_TTL) < 0 || value.compareTo(MAX_TTL) > 0) {
      throw new ConfigException(TTL_KEY, "must be between 1m and 365d, got " + raw.get());
    }
    return value;
  }
}
