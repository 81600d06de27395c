package dev.dockhand.env;

import java.util.List;

/**
 * One command of a repository's environment, run inside the task's container as the sandbox user in
 * /workspace, never on the host. Immutable.
 */
public sealed interface EnvCommand {
  /** The argv the container runs. */
  List<String> argv();

  /** How the command reads in logs and events. */
  String display();

  /** A shell script, run by {@code bash -lc} (a login shell, so the image's profile applies). */
  record Shell(String script) implements EnvCommand {
    @Override
    public List<String> argv() {
      return List.of("bash", "-lc", script);
    }

    @Override
    public String display() {
      return script;
    }
  }

  /** An argv run as it is, with no shell (devcontainer.json's array form). */
  record Argv(List<String> command) implements EnvCommand {
    public Argv {
      command = List.copyOf(command);
    }

    @Override
    public List<String> argv() {
      return command;
    }

    @Override
    public String display() {
      return String.join(" ", command);
    }
  }
}
