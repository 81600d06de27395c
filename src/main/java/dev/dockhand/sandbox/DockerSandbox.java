package dev.dockhand.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PropagationMode;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task containers on a Docker engine, made to {@link ContainerSpec}'s hardened shape. Starting is
 * repeatable: containers are named for their task, so a container left by an earlier attempt of the
 * same task is found (name conflict), removed, and replaced by a fresh one. Thread-safe.
 */
public final class DockerSandbox implements Sandbox, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DockerSandbox.class);

  private final SandboxSettings settings;
  private final String nodeId;
  private final String incarnation;
  private final DockerEngine engine;
  private final SandboxUser user;

  /** How long the relay to the egress proxy may take to listen after the container starts. */
  private static final Duration RELAY_WAIT = Duration.ofSeconds(20);

  /** A sandbox of a node that keeps no incarnation record (tools and tests): a random one. */
  public DockerSandbox(SandboxSettings settings, String nodeId) {
    this(settings, nodeId, UUID.randomUUID().toString());
  }

  /**
   * @param incarnation this run of the node, on every container's labels beside the node id, so the
   *     reaper of a later run tells a dead run's containers from a live one's
   */
  public DockerSandbox(SandboxSettings settings, String nodeId, String incarnation) {
    this.settings = settings;
    this.nodeId = nodeId;
    this.incarnation = incarnation;
    this.user = SandboxUser.parse(settings.user());
    this.engine = new DockerEngine(settings.dockerHost());
  }

  @Override
  public SandboxContainer start(String taskId, TaskFiles files) {
    giveToUser(files);
    DockerContainer container = launch(taskId, labels(taskId), files, PropagationMode.DEFAULT_MODE);
    if (ContainerSpec.relays(settings, files)) {
      writeProxySettings(container, taskId);
    }
    log.debug("started container {} for task {}", container.id(), taskId);
    return container;
  }

  /** The workspace and home, as the host made them, become the sandbox user's. */
  void giveToUser(TaskFiles files) {
    Workspaces.giveTo(files.workspace().toAbsolutePath().normalize(), user);
    files.home().ifPresent(home -> Workspaces.giveTo(home, user));
  }

  /**
   * Creates and starts a container of {@link ContainerSpec}'s shape named for {@code name}; when it
   * relays to the egress proxy, the relay listens by the time this returns.
   */
  DockerContainer launch(
      String name, Map<String, String> labels, TaskFiles files, PropagationMode propagation) {
    DockerClient client = engine.client();
    String id = createFresh(client, name, labels, files, propagation);
    DockerContainer container =
        new DockerContainer(
            engine, settings, id, name, files.tmp().isPresent() && files.home().isPresent());
    try {
      engine.run(() -> client.startContainerCmd(id).exec());
    } catch (RuntimeException e) {
      container.close();
      throw e instanceof SandboxException sandboxError
          ? sandboxError
          : new SandboxException(
              "container for task " + name + " did not start: " + SandboxException.rootMessage(e),
              e);
    }
    if (ContainerSpec.relays(settings, files)) {
      awaitRelay(container, name);
    }
    return container;
  }

  @Override
  public String imageId() {
    try {
      return engine.call(() -> engine.client().inspectImageCmd(settings.image()).exec()).getId();
    } catch (NotFoundException missing) {
      throw SandboxException.imageMissing(settings.image());
    } catch (SandboxException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SandboxException(
          "cannot inspect image " + settings.image() + ": " + SandboxException.rootMessage(e), e);
    }
  }

  /**
   * The agent's first command may reach for the network at once, so the relay to the egress proxy
   * must be listening before the container is handed over.
   */
  private static void awaitRelay(DockerContainer container, String taskId) {
    String probe =
        "for i in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"
            + ContainerSpec.PROXY_PORT
            + ") 2>/dev/null && exit 0; sleep 0.05; done; exit 1";
    ExecResult ready = container.exec(ExecRequest.of(RELAY_WAIT, "bash", "-c", probe));
    if (ready.exitCode() != 0) {
      container.close();
      throw new SandboxException(
          "the egress relay in the container of task " + taskId + " did not start listening", null);
    }
  }

  /** Into the task's own home, so only once the home mounted in the container is the task's. */
  static void writeProxySettings(SandboxContainer container, String taskId) {
    ExecResult written = container.exec(ProxySettingsFiles.writeRequest());
    if (written.exitCode() != 0) {
      log.warn("task {}: Maven's proxy settings not written: {}", taskId, written.output());
    }
  }

  private String createFresh(
      DockerClient client,
      String name,
      Map<String, String> labels,
      TaskFiles files,
      PropagationMode propagation) {
    try {
      try {
        return create(client, name, labels, files, propagation);
      } catch (ConflictException nameTaken) {
        removeLeftover(name);
        return create(client, name, labels, files, propagation);
      }
    } catch (DockerException engineRefused) {
      // E.g. the earlier attempt's container is still being removed: a later try will find the
      // name free, so the queue retries this attempt with backoff.
      throw new SandboxException(
          "cannot create the container for task "
              + name
              + ": "
              + SandboxException.rootMessage(engineRefused),
          engineRefused);
    }
  }

  private String create(
      DockerClient client,
      String name,
      Map<String, String> labels,
      TaskFiles files,
      PropagationMode propagation) {
    try {
      return engine.call(
          () ->
              ContainerSpec.create(client, settings, name, labels, files, propagation)
                  .exec()
                  .getId());
    } catch (NotFoundException noImage) {
      throw SandboxException.imageMissing(settings.image());
    }
  }

  /** An earlier attempt of this task on this engine left its container (named for the task). */
  void removeLeftover(String taskId) {
    try {
      engine.run(
          () ->
              engine
                  .client()
                  .removeContainerCmd(ContainerSpec.containerName(taskId))
                  .withForce(true)
                  .exec());
      log.info("removed a container left by an earlier attempt of task {}", taskId);
    } catch (NotFoundException goneMeanwhile) {
      // Removed between our create and now (the reaper, an operator); the name is free.
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
    if (settings.runtime().isPresent() && !runtimeRegistered(settings.runtime().get())) {
      return new SandboxHealth(
          true,
          false,
          "sandbox not ready: DOCKHAND_SANDBOX_RUNTIME="
              + settings.runtime().get()
              + " is not registered with the Docker engine (for gVisor: scripts/runsc-up.sh)");
    }
    try {
      engine.run(() -> engine.client().inspectImageCmd(settings.image()).exec());
    } catch (NotFoundException missing) {
      return new SandboxHealth(
          true,
          false,
          "sandbox not ready: " + SandboxException.imageMissing(settings.image()).getMessage());
    } catch (RuntimeException e) {
      return new SandboxHealth(
          true,
          false,
          "sandbox not ready: cannot inspect image "
              + settings.image()
              + " ("
              + SandboxException.rootMessage(e)
              + ")");
    }
    return new SandboxHealth(
        true,
        true,
        "sandbox ready: Docker "
            + version
            + " at "
            + settings.dockerHost()
            + ", image "
            + settings.image());
  }

  private boolean runtimeRegistered(String runtime) {
    try {
      Object runtimes =
          engine.call(() -> engine.client().infoCmd().exec()).getRawValues().get("Runtimes");
      return runtimes instanceof Map<?, ?> map && map.containsKey(runtime);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The engine connection, for the {@link ContainerReaper} and {@link WarmPool} of this node. */
  DockerEngine engine() {
    return engine;
  }

  SandboxSettings settings() {
    return settings;
  }

  public String nodeId() {
    return nodeId;
  }

  public String incarnation() {
    return incarnation;
  }

  private Map<String, String> labels(String taskId) {
    return Map.of(
        ContainerSpec.TASK_LABEL,
        taskId,
        ContainerSpec.NODE_LABEL,
        nodeId,
        ContainerSpec.INCARNATION_LABEL,
        incarnation);
  }

  @Override
  public void close() {
    engine.close();
  }
}
