package dev.dockhand.egress;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What task containers may reach through the egress proxy.
 *
 * @param allowlist DOCKHAND_EGRESS_ALLOW (comma-separated entries: {@code host}, {@code *.domain},
 *     either with {@code :port}, or an address literal such as {@code 10.0.0.7:3000} or {@code
 *     [fd00::7]:443}; an entry without a port allows 80 and 443). Default: the public package
 *     registries {@value #DEFAULT_REGISTRIES}. When set, it replaces that default ({@code none}
 *     allows nothing of its own); either way each git host from DOCKHAND_GIT_HOSTS is added. Only
 *     an address-literal entry lets a container reach a loopback, private or link-local address.
 * @param userAdd DOCKHAND_EGRESS_USER_ADD (boolean, default true): whether a person may add host
 *     names and {@code *.domain} entries for one task at submit ({@code egressAllow}); address
 *     literals are never a person's to add
 */
public record EgressSettings(Allowlist allowlist, boolean userAdd) {
  /** The official names of the common public package registries (npm, PyPI, Maven Central, …). */
  public static final String DEFAULT_REGISTRIES =
      "registry.npmjs.org,"
          + "pypi.org,files.pythonhosted.org,"
          + "repo.maven.apache.org,repo1.maven.org,"
          + "crates.io,index.crates.io,static.crates.io,"
          + "proxy.golang.org,sum.golang.org,"
          + "deb.debian.org,security.debian.org,"
          + "archive.ubuntu.com,security.ubuntu.com";

  private static final String ALLOW = "DOCKHAND_EGRESS_ALLOW";
  private static final String USER_ADD = "DOCKHAND_EGRESS_USER_ADD";
  private static final String GIT_HOSTS = "DOCKHAND_GIT_HOSTS";

  public EgressSettings {
    if (allowlist == null) {
      throw new IllegalArgumentException("an allowlist is needed");
    }
  }

  /**
   * Reads the keys; {@code gitHosts} are the configured git hosts ({@code host[:port]}, as
   * DOCKHAND_GIT_HOSTS holds them), always allowed.
   */
  public static EgressSettings from(Env env, List<String> gitHosts) {
    Optional<String> operator = env.optional(ALLOW);
    Allowlist base =
        operator.isPresent() && operator.get().equalsIgnoreCase("none")
            ? Allowlist.empty()
            : Allowlist.parse(operator.orElse(DEFAULT_REGISTRIES), ALLOW);
    List<EgressEntry> git = new ArrayList<>();
    for (String host : gitHosts) {
      try {
        git.add(EgressEntry.parse(host));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(GIT_HOSTS, "bad entry " + e.getMessage());
      }
    }
    return new EgressSettings(base.plus(git), env.bool(USER_ADD, true));
  }

  /**
   * The allowlist of one task: the operator's plus the person's additions ({@code egressAllow} at
   * submit), checked by {@link Allowlist#userEntries}. Refuses additions when
   * DOCKHAND_EGRESS_USER_ADD is false.
   */
  public Allowlist forTask(List<String> userEntries) {
    if (userEntries == null || userEntries.isEmpty()) {
      return allowlist;
    }
    if (!userAdd) {
      throw new InvalidInputException(
          "egressAllow",
          "this server does not let people add egress hosts (DOCKHAND_EGRESS_USER_ADD=false);"
              + " ask the operator to add them to DOCKHAND_EGRESS_ALLOW");
    }
    return allowlist.plus(Allowlist.userEntries(userEntries));
  }
}
