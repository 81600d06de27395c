package dev.dockhand.env;

/**
 * The command that checks a task's work, run in its container after the agent's turn. Immutable.
 *
 * @param script what runs, by {@code bash -lc} like the setup
 * @param source where it came from: {@code settings}, or the file it was detected by ({@code
 *     package.json}, {@code pom.xml}, …)
 */
public record ChecksCommand(String script, String source) {
  public EnvCommand command() {
    return new EnvCommand.Shell(script);
  }
}
