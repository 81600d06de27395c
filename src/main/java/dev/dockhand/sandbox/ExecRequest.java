package dev.dockhand.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One command to run in a task's container.
 *
 * @param command argv, never passed through a host shell
 * @param workdir absolute path inside the container (usually /workspace)
 * @param env extra environment for this command only (never a secret)
 * @param stdin bytes written to the command's standard input, or null for none
 * @param timeout the longest the command may run; its whole process tree is killed then
 * @param onOutput receives output chunks as they arrive (may be a no-op)
 */
public record ExecRequest(
    List<String> command,
    String workdir,
    Map<String, String> env,
    byte[] stdin,
    Duration timeout,
    Consumer<String> onOutput) {

  public static ExecRequest of(Duration timeout, String... command) {
    return new ExecRequest(List.of(command), "/workspace", Map.of(), null, timeout, chunk -> {});
  }
}
