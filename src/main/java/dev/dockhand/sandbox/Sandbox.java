package dev.dockhand.sandbox;

import java.nio.file.Path;

/** Makes the isolated environment one task attempt runs in. Thread-safe. */
public interface Sandbox {
  /**
   * Starts a fresh container for the task with {@code files} mounted into it. Throws {@code
   * SandboxException} (retryable) when the engine is unreachable or the image is missing.
   */
  SandboxContainer start(String taskId, TaskFiles files);

  /**
   * The id ({@code sha256:…}) of the image task containers run now: what a cached environment was
   * made in. Throws {@code SandboxException} (retryable) when the engine cannot say.
   */
  String imageId();

  /** A container with only {@code workspace} (a host directory) mounted, at /workspace. */
  default SandboxContainer start(String taskId, Path workspace) {
    return start(taskId, TaskFiles.workspaceOnly(workspace));
  }
}
