package dev.dockhand.sandbox;

import java.nio.file.Path;

/** Makes the isolated environment one task attempt runs in. Thread-safe. */
public interface Sandbox {
  /**
   * Starts a fresh container for the task with {@code workspace} (a host directory) mounted at
   * /workspace. Throws {@code SandboxException} (retryable) when the engine is unreachable or the
   * image is missing.
   */
  SandboxContainer start(String taskId, Path workspace);
}
