package dev.dockhand.env;

import dev.dockhand.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a person saved in Dockhand for one repository: shell commands for setup (once, its result
 * cached), maintenance (after a cached environment is restored) and checks (after the agent), the
 * non-secret environment variables those commands and the agent's commands see, the lockfiles whose
 * content keys the cache, and whether a failed setup still lets the agent start. Every field is
 * checked here, once, whichever door it came in by. Immutable.
 *
 * @param lockfiles file names (a {@code *} matches any run of characters) looked for at any depth;
 *     empty means {@link #DEFAULT_LOCKFILES}
 */
public record EnvironmentSettings(
    Optional<String> setup,
    Optional<String> maintenance,
    Optional<String> checks,
    Map<String, String> env,
    List<String> lockfiles,
    boolean continueOnSetupFailure) {

  public static final List<String> DEFAULT_LOCKFILES =
      List.of(
          "package-lock.json",
          "pnpm-lock.yaml",
          "yarn.lock",
          "poetry.lock",
          "uv.lock",
          "requirements*.txt",
          "Cargo.lock",
          "go.sum",
          "pom.xml",
          "build.gradle*",
          "Gemfile.lock");

  public static final EnvironmentSettings NONE =
      new EnvironmentSettings(
          Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), List.of(), false);

  static final int MAX_COMMAND_CHARS = 16 * 1024;
  static final int MAX_ENV = 64;
  static final int MAX_ENV_VALUE_CHARS = 4096;
  static final int MAX_LOCKFILES = 32;

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern LOCKFILE = Pattern.compile("[A-Za-z0-9._*+-]{1,100}");

  /** Set by the sandbox itself: the egress proxy and the sandbox user's identity. */
  private static final Set<String> RESERVED =
      Set.of(
          "HOME",
          "USER",
          "LOGNAME",
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY",
          "ALL_PROXY",
          "http_proxy",
          "https_proxy",
          "no_proxy",
          "all_proxy");

  public EnvironmentSettings {
    setup = command("setup", setup);
    maintenance = command("maintenance", maintenance);
    checks = command("checks", checks);
    env = checkEnv(env);
    lockfiles = checkLockfiles(lockfiles);
  }

  /** The lockfile patterns that key the cache. */
  public List<String> lockfilePatterns() {
    return lockfiles.isEmpty() ? DEFAULT_LOCKFILES : lockfiles;
  }

  /** Whether nothing is set: a repository with these settings falls back to devcontainer.json. */
  public boolean empty() {
    return setup.isEmpty()
        && maintenance.isEmpty()
        && checks.isEmpty()
        && env.isEmpty()
        && lockfiles.isEmpty()
        && !continueOnSetupFailure;
  }

  private static Optional<String> command(String field, Optional<String> text) {
    Optional<String> trimmed = text.map(String::strip).filter(value -> !value.isEmpty());
    trimmed.ifPresent(
        value -> {
          if (value.length() > MAX_COMMAND_CHARS) {
            throw new InvalidInputException(
                field, field + " is longer than " + MAX_COMMAND_CHARS + " characters");
          }
          if (value.indexOf('\0') >= 0) {
            throw new InvalidInputException(field, field + " contains a NUL character");
          }
        });
    return trimmed;
  }

  private static Map<String, String> checkEnv(Map<String, String> env) {
    if (env.size() > MAX_ENV) {
      throw new InvalidInputException("env", "env has more than " + MAX_ENV + " variables");
    }
    Map<String, String> checked = new LinkedHashMap<>();
    env.forEach(
        (name, value) -> {
          if (!ENV_NAME.matcher(name).matches()) {
            throw new InvalidInputException(
                "env", "env variable name '" + name + "' must match [A-Za-z_][A-Za-z0-9_]*");
          }
          if (RESERVED.contains(name) || name.startsWith("DOCKHAND_")) {
            throw new InvalidInputException(
                "env", "env variable " + name + " is set by the sandbox and cannot be changed");
          }
          if (value == null || value.length() > MAX_ENV_VALUE_CHARS || value.indexOf('\0') >= 0) {
            throw new InvalidInputException(
                "env",
                "env variable "
                    + name
                    + " must be a string of at most "
                    + MAX_ENV_VALUE_CHARS
                    + " characters without NUL");
          }
          checked.put(name, value);
        });
    return Map.copyOf(checked);
  }

  private static List<String> checkLockfiles(List<String> lockfiles) {
    if (lockfiles.size() > MAX_LOCKFILES) {
      throw new InvalidInputException(
          "lockfiles", "lockfiles names more than " + MAX_LOCKFILES + " files");
    }
    for (String name : lockfiles) {
      if (!LOCKFILE.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        throw new InvalidInputException(
            "lockfiles",
            "lockfiles entry '"
                + name
                + "' must be a file name (letters, digits, . _ + - and * as a wildcard)");
      }
    }
    return List.copyOf(lockfiles);
  }
}
