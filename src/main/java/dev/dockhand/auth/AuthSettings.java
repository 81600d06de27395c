package dev.dockhand.auth;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.egress.IpLiteral;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How people sign in, and how much one person may ask of the server.
 *
 * @param githubClientId GITHUB_CLIENT_ID: with the secret, turns on GitHub login; without, local
 *     mode
 * @param githubClientSecret GITHUB_CLIENT_SECRET
 * @param secretKey DOCKHAND_SECRET_KEY: base64 of a 32-byte AES key for tokens at rest; generated
 *     into {@code <data dir>/secret.key} (mode 0600) when absent
 * @param sessionTtl DOCKHAND_SESSION_TTL (default 720h = 30 days): how long a login session lives
 *     without use; each use slides it forward
 * @param submitRatePerMinute DOCKHAND_SUBMIT_RATE (default 30): task submissions one user may make
 *     per minute, sustained (token bucket refill rate)
 * @param submitBurst DOCKHAND_SUBMIT_BURST (default 10): submissions one user may make at once
 *     before the rate applies (token bucket size)
 * @param maxActiveTasksPerUser DOCKHAND_MAX_ACTIVE_TASKS_PER_USER (default 50): queued plus running
 *     tasks one user may have; a submission beyond it is refused with 429
 * @param access who may sign in with GitHub and who administers the server
 * @param trustedProxies DOCKHAND_TRUSTED_PROXIES (comma-separated IP addresses, default none): the
 *     reverse proxies whose {@code X-Forwarded-For} names the caller's address for per-address
 *     limits; without it every request behind a proxy shares the proxy's address
 * @param loginLinkAtStart DOCKHAND_LOGIN_LINK_AT_START (default true): in local mode, {@code serve}
 *     prints a one-time sign-in link (and its QR code) valid for ten minutes; false when the output
 *     goes where people who should not sign in can read it
 */
public record AuthSettings(
    Optional<String> githubClientId,
    Optional<Secret> githubClientSecret,
    Optional<Secret> secretKey,
    Duration sessionTtl,
    int submitRatePerMinute,
    int submitBurst,
    int maxActiveTasksPerUser,
    AccessRules access,
    Set<InetAddress> trustedProxies,
    boolean loginLinkAtStart) {

  public static AuthSettings from(Env env) {
    AuthSettings settings =
        new AuthSettings(
            env.optional("GITHUB_CLIENT_ID"),
            env.secret("GITHUB_CLIENT_SECRET"),
            env.secret("DOCKHAND_SECRET_KEY"),
            env.duration(
                "DOCKHAND_SESSION_TTL",
                Duration.ofDays(30),
                Duration.ofMinutes(5),
                Duration.ofDays(366)),
            env.integer("DOCKHAND_SUBMIT_RATE", 30, 1, 100_000),
            env.integer("DOCKHAND_SUBMIT_BURST", 10, 1, 100_000),
            env.integer("DOCKHAND_MAX_ACTIVE_TASKS_PER_USER", 50, 1, 100_000),
            AccessRules.from(env),
            trustedProxies(env),
            env.bool("DOCKHAND_LOGIN_LINK_AT_START", true));
    if (settings.githubClientId.isPresent() != settings.githubClientSecret.isPresent()) {
      String missing =
          settings.githubClientId.isPresent() ? "GITHUB_CLIENT_SECRET" : "GITHUB_CLIENT_ID";
      throw new ConfigException(missing, "is required when the other GitHub OAuth key is set");
    }
    if (!settings.localMode() && settings.access.closedToEveryone()) {
      throw new ConfigException(
          "DOCKHAND_ALLOWED_USERS",
          "GitHub sign-in is on but neither DOCKHAND_ALLOWED_USERS nor DOCKHAND_ALLOWED_ORGS names"
              + " anyone; set one (or DOCKHAND_ALLOW_ANY_GITHUB_USER=true to let every GitHub"
              + " account in)");
    }
    return settings;
  }

  private static Set<InetAddress> trustedProxies(Env env) {
    String key = "DOCKHAND_TRUSTED_PROXIES";
    return env.list(key, "").stream()
        .map(
            entry ->
                IpLiteral.parse(entry.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", ""))
                    .orElseThrow(
                        () -> new ConfigException(key, "'" + entry + "' is not an IP address")))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** No GitHub OAuth app: one local user signs in with the admin token. */
  public boolean localMode() {
    return githubClientId.isEmpty();
  }
}
