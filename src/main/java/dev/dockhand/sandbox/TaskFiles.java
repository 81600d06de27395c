package dev.dockhand.sandbox;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The host side of one attempt's container: the directories mounted as its only writable areas and
 * the egress proxy's socket, its only way out. Where {@code tmp} or {@code home} is empty the
 * container gets a small tmpfs there instead. Immutable.
 *
 * @param workspace mounted at /workspace
 * @param tmp mounted at /tmp
 * @param home mounted at the sandbox user's home
 * @param egressSocket the egress proxy's Unix socket, mounted into the container in the {@code
 *     allowlist} network mode
 */
public record TaskFiles(
    Path workspace, Optional<Path> tmp, Optional<Path> home, Optional<Path> egressSocket) {
  public TaskFiles {
    Objects.requireNonNull(workspace, "workspace");
  }

  /** Only a workspace: tmpfs /tmp and home, and no way out. */
  public static TaskFiles workspaceOnly(Path workspace) {
    return new TaskFiles(workspace, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public TaskFiles withEgressSocket(Path socket) {
    return new TaskFiles(workspace, tmp, home, Optional.of(socket));
  }
}
