package dev.dockhand.run;

import dev.dockhand.env.EnvCommand;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A file in the container's /tmp that keeps the whole output of the commands Dockhand runs there
 * (setup, checks), however much of it the live stream and the exec's cap let through, so that its
 * end can be quoted and its summary lines found afterwards. What is read back is the container's,
 * so hostile: it is bounded and only ever shown or matched. Immutable and thread-safe.
 */
final class ContainerLog {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final int MATCH_LINES = 2000;
  private static final int MATCH_LINE_BYTES = 400;

  private final String path;

  ContainerLog(String path) {
    this.path = path;
  }

  String path() {
    return path;
  }

  /** {@code command} with its output also appended to the log, its own exit code kept. */
  List<String> teed(EnvCommand command) {
    List<String> argv = new ArrayList<>();
    argv.addAll(List.of("bash", "-c", "set -o pipefail; \"$@\" 2>&1 | tee -a " + path, "dockhand"));
    argv.addAll(command.argv());
    return argv;
  }

  /** The log's last {@code chars} bytes, stripped; empty when it cannot be read. */
  String tail(SandboxContainer container, int chars) {
    return read(container, "tail", "-c", String.valueOf(chars), path).strip();
  }

  /**
   * The log's last lines that match {@code regex} (an extended regular expression, handed to grep
   * as an argument), each cut to a few hundred bytes; empty when none match or the log is gone.
   */
  String matching(SandboxContainer container, String regex) {
    return read(
        container,
        "bash",
        "-c",
        "grep -aE -e \"$1\" -- \"$2\" | tail -n " + MATCH_LINES + " | cut -b 1-" + MATCH_LINE_BYTES,
        "dockhand",
        regex,
        path);
  }

  private static String read(SandboxContainer container, String... command) {
    try {
      ExecResult read = container.exec(ExecRequest.of(READ_TIMEOUT, command));
      return read.exitCode() == 0 ? read.output() : "";
    } catch (RuntimeException e) {
      return ""; // the container may be gone; what ran is still reported
    }
  }
}
