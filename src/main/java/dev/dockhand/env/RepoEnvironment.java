package dev.dockhand.env;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment one task runs with, resolved from the person's settings for the repository, else
 * from the repository's devcontainer.json, else nothing. Immutable.
 *
 * @param source where it came from: {@code settings}, {@code devcontainer} or {@code none}
 * @param file for {@code devcontainer}, the file's path in the repository
 */
public record RepoEnvironment(
    String source,
    Optional<String> file,
    List<EnvCommand> setup,
    List<EnvCommand> maintenance,
    Optional<String> checks,
    Map<String, String> env,
    List<String> lockfiles,
    boolean continueOnSetupFailure) {

  public static final RepoEnvironment NONE =
      new RepoEnvironment(
          "none",
          Optional.empty(),
          List.of(),
          List.of(),
          Optional.empty(),
          Map.of(),
          EnvironmentSettings.DEFAULT_LOCKFILES,
          false);

  public RepoEnvironment {
    setup = List.copyOf(setup);
    maintenance = List.copyOf(maintenance);
    env = Map.copyOf(env);
    lockfiles = List.copyOf(lockfiles);
  }

  static RepoEnvironment of(EnvironmentSettings settings) {
    return new RepoEnvironment(
        "settings",
        Optional.empty(),
        settings
            .setup()
            .map(script -> List.<EnvCommand>of(new EnvCommand.Shell(script)))
            .orElse(List.of()),
        settings
            .maintenance()
            .map(script -> List.<EnvCommand>of(new EnvCommand.Shell(script)))
            .orElse(List.of()),
        settings.checks(),
        settings.env(),
        settings.lockfilePatterns(),
        settings.continueOnSetupFailure());
  }

  static RepoEnvironment devcontainer(String file, List<EnvCommand> setup) {
    return new RepoEnvironment(
        "devcontainer",
        Optional.of(file),
        setup,
        List.of(),
        Optional.empty(),
        Map.of(),
        EnvironmentSettings.DEFAULT_LOCKFILES,
        false);
  }
}
