package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task containers on a Docker engine, made to {@link ContainerSpec}'s hardened shape. Starting is
 * repeatable: a container left by an earlier attempt of the same task is removed first. Thread-safe.
 */
public final class DockerSandbox implements Sandbox, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DockerSandbox.class);

  private final SandboxSettings settings;
  private final String nodeId;
  private final DockerEngine engine;
  private final SandboxUser user;

  public DockerSandbox(SandboxSettings settings, String nodeId) {
    this.settings = settings;
    this.nodeId = nodeId;
    this.user = SandboxUser.parse(settings.user());
    this.engine = new DockerEngine(settings.dockerHost());
  }

  @Override
  public SandboxContainer start(String taskId, Path workspace) {
    Path absolute = workspace.toAbsolutePath().normalize();
    Workspaces.giveTo(absolute, user);
    DockerClient client = engine.client();
    removeLeftover(taskId);
    String id;
    try {
      id =
          engine.call(
              () -> ContainerSpec.create(client, settings, nodeId, taskId, absolute).exec().getId());
    } catch (NotFoundException noImage) {
      throw SandboxException.imageMissing(settings.image());
    }
    DockerContainer container = new DockerContainer(engine, settings, id, taskId);
    try {
      engine.run(() -> client.startContainerCmd(id).exec());
    } catch (RuntimeException e) {
      container.close();
      throw e instanceof SandboxException sandboxError
          ? sandboxError
          : new SandboxException(
              "container for task " + taskId + " did not start: " + SandboxException.rootMessage(e),
              e);
    }
    log.debug("started container {} for task {}", id, taskId);
    return container;
  }

  private void removeLeftover(String taskId) {
    try {
      engine.run(
          () ->
              engine
                  .client()
                  .removeContainerCmd(ContainerSpec.containerName(taskId))
                  .withForce(true)
                  .exec());
      log.info("removed a container left by an earlier attempt of task {}", taskId);
    } catch (NotFoundException nothingLeft) {
      // The usual case: this is the task's first container on this engine.
    }
  }

  /** Pings the engine and looks for the image; never throws. */
  public SandboxHealth health() {
    String version;
    try {
      version = engine.call(() -> engine.client().versionCmd().exec().getVersion());
    } catch (RuntimeException e) {
      return new SandboxHealth(
          false,
          false,
          "sandbox not ready: Docker engine unreachable at "
              + settings.dockerHost()
              + " ("
              + SandboxException.rootMessage(e)
              + ")");
    }
    try {
      engine.run(() -> engine.client().inspectImageCmd(settings.image()).exec());
    } catch (NotFoundException missing) {
      return new SandboxHealth(
          true, false, "sandbox not ready: " + SandboxException.imageMissing(settings.image()).getMessage());
    } catch (RuntimeException e) {
      return new SandboxHealth(
          true, false, "sandbox not ready: cannot inspect image " + settings.image() + " (" + SandboxException.rootMessage(e) + ")");
    }
    return new SandboxHealth(
        true,
        true,
        "sandbox ready: Docker " + version + " at " + settings.dockerHost() + ", image " + settings.image());
  }

  /** The engine connection, for the {@link ContainerReaper} of the same node. */
  DockerEngine engine() {
    return engine;
  }

  public String nodeId() {
    return nodeId;
  }

  @Override
  public void close() {
    engine.close();
  }
}
