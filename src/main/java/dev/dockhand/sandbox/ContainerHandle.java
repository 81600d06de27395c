package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;

/** Which container of which task, on which engine, made to which settings. */
record ContainerHandle(DockerEngine engine, SandboxSettings settings, String id, String taskId) {
  DockerClient client() {
    return engine.client();
  }

  /** The container was removed under a command (the reaper, an operator, the task's end). */
  SandboxException gone(RuntimeException cause) {
    return new SandboxException(
        "container " + id + " of task " + taskId + " is gone", false, cause);
  }
}
