package dev.dockhand.auth;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may sign in with GitHub, who administers the server, and how often access is checked again.
 *
 * @param allowedUsers DOCKHAND_ALLOWED_USERS: GitHub logins (compared without case) let in as they
 *     are
 * @param allowedOrgs DOCKHAND_ALLOWED_ORGS: {@code org} or {@code org/team} entries; an active
 *     member of any one is let in
 * @param anyGithubUser DOCKHAND_ALLOW_ANY_GITHUB_USER (default false): lets every GitHub account
 *     in; only meant for a server nobody else can reach
 * @param membershipRecheck DOCKHAND_MEMBERSHIP_RECHECK (default 1h): how long a check of the lists
 *     holds before the next use of a session or token checks again with GitHub
 * @param admins DOCKHAND_ADMINS: GitHub logins of the server's administrators (the local user
 *     always is one); an admin must also pass the lists above
 */
public record AccessRules(
    Set<String> allowedUsers,
    List<OrgRule> allowedOrgs,
    boolean anyGithubUser,
    Duration membershipRecheck,
    Set<String> admins) {
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
  private static final Pattern TEAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  /** An organisation, or one team of it, whose active members may sign in. */
  public record OrgRule(String org, Optional<String> team) {
    @Override
    public String toString() {
      return team.map(slug -> org + "/" + slug).orElse(org);
    }
  }

  public static AccessRules from(Env env) {
    return new AccessRules(
        logins(env, "DOCKHAND_ALLOWED_USERS"),
        orgs(env),
        env.bool("DOCKHAND_ALLOW_ANY_GITHUB_USER", false),
        env.duration(
            "DOCKHAND_MEMBERSHIP_RECHECK",
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Duration.ofDays(30)),
        logins(env, "DOCKHAND_ADMINS"));
  }

  /** True when neither list names anyone and nobody said that every account may come in. */
  public boolean closedToEveryone() {
    return allowedUsers.isEmpty() && allowedOrgs.isEmpty() && !anyGithubUser;
  }

  /** True when the login is on the users list; org membership needs GitHub to answer. */
  public boolean allowsLogin(String login) {
    return anyGithubUser || allowedUsers.contains(login.toLowerCase(Locale.ROOT));
  }

  public boolean isAdmin(String login) {
    return admins.contains(login.toLowerCase(Locale.ROOT));
  }

  private static Set<String> logins(Env env, String key) {
    Set<String> logins = new LinkedHashSet<>();
    for (String login : env.list(key, "")) {
      String bare = login.startsWith("@") ? login.substring(1) : login;
      if (!LOGIN.matcher(bare).matches()) {
        throw new ConfigException(key, "'" + login + "' is not a GitHub login");
      }
      logins.add(bare.toLowerCase(Locale.ROOT));
    }
    return Set.copyOf(logins);
  }

  private static List<OrgRule> orgs(Env env) {
    String key = "DOCKHAND_ALLOWED_ORGS";
    return env.list(key, "").stream()
        .map(
            entry -> {
              String[] parts = entry.split("/", -1);
              if (parts.length > 2
                  || !LOGIN.matcher(parts[0]).matches()
                  || (parts.length == 2 && !TEAM.matcher(parts[1]).matches())) {
                throw new ConfigException(
                    key, "'" + entry + "' is not an organisation or org/team-slug");
              }
              return new OrgRule(
                  parts[0].toLowerCase(Locale.ROOT),
                  parts.length == 2
                      ? Optional.of(parts[1].toLowerCase(Locale.ROOT))
                      : Optional.empty());
            })
        .distinct()
        .toList();
  }
}
