package dev.dockhand.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code bash} tool (type {@code bash_20250124}). Claude expects one shell whose working
 * directory and exported variables carry from call to call. Each call runs in a fresh {@code bash}
 * that restores them from files under /tmp and saves them again on exit, so the sandbox's time
 * limit can kill a command's whole process tree without losing the shell, and {@code restart} only
 * has to delete the files. The command reaches bash on standard input, never inside a script
 * string. Stateless and thread-safe; the state lives in the container.
 */
final class BashTool {
  static final String NAME = "bash";
  static final String STATE_DIR = "/tmp/dockhand-shell";

  private static final String WRAPPER =
      """
      state=%s
      mkdir -p "$state"
      __dockhand_command=$(cat)
      exec </dev/null
      if [ -f "$state/env" ]; then . "$state/env" >/dev/null 2>&1; fi
      if [ -f "$state/cwd" ]; then cd "$(cat "$state/cwd")" 2>/dev/null || cd /workspace; fi
      __dockhand_save() { pwd > "$state/cwd"; export -p > "$state/env"; }
      trap __dockhand_save EXIT
      eval "$__dockhand_command"
      """
          .formatted(STATE_DIR);

  ToolResult run(SandboxContainer container, JsonNode input, Duration timeout) {
    if (input.path("restart").asBoolean(false)) {
      container.exec(ExecRequest.of(Duration.ofSeconds(30), "rm", "-rf", STATE_DIR));
      return ToolResult.ok("The bash tool has been restarted.");
    }
    JsonNode command = input.path("command");
    if (!command.isTextual() || command.asText().isBlank()) {
      throw new ToolFailure("The bash tool needs a non-empty \"command\" (or \"restart\": true).");
    }
    ExecResult result =
        container.exec(
            new ExecRequest(
                List.of("bash", "-c", WRAPPER),
                WorkspacePaths.ROOT,
                Map.of(),
                command.asText().getBytes(StandardCharsets.UTF_8),
                timeout,
                chunk -> {}));
    return describe(result, timeout);
  }

  private static ToolResult describe(ExecResult result, Duration timeout) {
    String output = result.output().isEmpty() ? "" : result.output();
    if (result.timedOut()) {
      return ToolResult.error(
          output
              + (output.isEmpty() || output.endsWith("\n") ? "" : "\n")
              + "[the command did not finish within "
              + timeout.toSeconds()
              + "s and was killed; the shell's directory and variables are as before it]");
    }
    if (result.exitCode() != 0) {
      output +=
          (output.isEmpty() || output.endsWith("\n") ? "" : "\n")
              + "[exit code "
              + result.exitCode()
              + "]";
    }
    return ToolResult.ok(output.isEmpty() ? "(no output)" : output);
  }
}
