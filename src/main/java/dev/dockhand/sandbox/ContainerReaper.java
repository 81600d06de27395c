package dev.dockhand.sandbox;

import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes this node's task containers whose tasks are no longer running: what a crashed or killed
 * server leaves behind. Runs once at start-up and then on a timer. Only containers labelled with
 * this node are touched, so nodes sharing an engine never reap each other's work. Thread-safe.
 */
public final class ContainerReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerReaper.class);

  private final DockerEngine engine;
  private final String nodeId;
  private final Predicate<String> taskIsRunning;
  private ScheduledExecutorService timer;

  public ContainerReaper(DockerSandbox sandbox, Predicate<String> taskIsRunning) {
    this.engine = sandbox.engine();
    this.nodeId = sandbox.nodeId();
    this.taskIsRunning = taskIsRunning;
  }

  /** Reaps now, then every {@code interval} until closed. */
  public synchronized void start(Duration interval) {
    if (timer != null) {
      throw new IllegalStateException("reaper already started");
    }
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("container-reaper").daemon().factory());
    timer.scheduleWithFixedDelay(this::reapQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Removes every container of this node whose task is not running; returns the ids removed. Throws
   * {@link SandboxException} when the engine is unreachable.
   */
  public List<String> reapOnce() {
    List<Container> ours =
        engine.call(
            () ->
                engine
                    .client()
                    .listContainersCmd()
                    .withShowAll(true)
                    .withLabelFilter(Map.of(ContainerSpec.NODE_LABEL, nodeId))
                    .exec());
    return ours.stream()
        .filter(container -> !taskIsRunning.test(taskOf(container)))
        .map(this::remove)
        .flatMap(Optional::stream)
        .toList();
  }

  private static String taskOf(Container container) {
    return container.getLabels() == null
        ? ""
        : container.getLabels().getOrDefault(ContainerSpec.TASK_LABEL, "");
  }

  private Optional<String> remove(Container container) {
    try {
      engine.run(
          () -> engine.client().removeContainerCmd(container.getId()).withForce(true).exec());
      log.info(
          "reaped container {} of task {} (not running)", container.getId(), taskOf(container));
      return Optional.of(container.getId());
    } catch (NotFoundException alreadyGone) {
      return Optional.empty();
    }
  }

  private void reapQuietly() {
    try {
      reapOnce();
    } catch (RuntimeException e) {
      // The engine may be down for a while; the next round tries again.
      log.warn("container reaper: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
