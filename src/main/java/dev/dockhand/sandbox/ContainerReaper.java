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
 * this node are touched, so nodes sharing an engine never reap each other's work, and among those
 * it goes by incarnation: this run's own containers go once their task stops, an earlier run's once
 * that run is dead, and a live run's (another node wrongly given the same id) never. Containers
 * from before incarnations were labelled count as this run's. This run's {@link WarmPool} members
 * carry no task label: they go once the pool no longer needs them (waiting, or serving a task that
 * runs), and after each round the slots of dead runs are released. Thread-safe.
 */
public final class ContainerReaper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerReaper.class);

  private final DockerEngine engine;
  private final String nodeId;
  private final String incarnation;
  private final Predicate<String> taskIsRunning;
  private final Predicate<String> incarnationIsLive;
  private final Optional<WarmPool> pool;
  private ScheduledExecutorService timer;

  /**
   * @param taskIsRunning whether this run is running the task
   * @param incarnationIsLive whether another run of this node id still holds its lease
   */
  public ContainerReaper(
      DockerSandbox sandbox, Predicate<String> taskIsRunning, Predicate<String> incarnationIsLive) {
    this(sandbox, Optional.empty(), taskIsRunning, incarnationIsLive);
  }

  /** A reaper of {@code pool}'s node that also releases dead runs' pool slots. */
  public ContainerReaper(
      WarmPool pool, Predicate<String> taskIsRunning, Predicate<String> incarnationIsLive) {
    this(pool.sandbox(), Optional.of(pool), taskIsRunning, incarnationIsLive);
  }

  private ContainerReaper(
      DockerSandbox sandbox,
      Optional<WarmPool> pool,
      Predicate<String> taskIsRunning,
      Predicate<String> incarnationIsLive) {
    this.pool = pool;
    this.engine = sandbox.engine();
    this.nodeId = sandbox.nodeId();
    this.incarnation = sandbox.incarnation();
    this.taskIsRunning = taskIsRunning;
    this.incarnationIsLive = incarnationIsLive;
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
   * Removes every container of this node that no live run still needs; returns the ids removed.
   * Throws {@link SandboxException} when the engine is unreachable.
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
    List<String> removed =
        ours.stream().filter(this::abandoned).map(this::remove).flatMap(Optional::stream).toList();
    pool.ifPresent(members -> members.clearDeadSlots(incarnationIsLive));
    return removed;
  }

  private boolean abandoned(Container container) {
    String run = label(container, ContainerSpec.INCARNATION_LABEL);
    if (run.isEmpty() || run.equals(incarnation)) {
      String slot = label(container, ContainerSpec.POOL_LABEL);
      if (!slot.isEmpty()) {
        return pool.filter(members -> members.needs(slot, taskIsRunning)).isEmpty();
      }
      return !taskIsRunning.test(taskOf(container));
    }
    return !incarnationIsLive.test(run);
  }

  private static String taskOf(Container container) {
    return label(container, ContainerSpec.TASK_LABEL);
  }

  /** For the log: the task, or the pool's slot (a pool's container carries no task label). */
  private static String owner(Container container) {
    String slot = label(container, ContainerSpec.POOL_LABEL);
    return slot.isEmpty() ? "of task " + taskOf(container) : "of warm pool slot " + slot;
  }

  private static String label(Container container, String name) {
    return container.getLabels() == null ? "" : container.getLabels().getOrDefault(name, "");
  }

  private Optional<String> remove(Container container) {
    try {
      engine.run(
          () -> engine.client().removeContainerCmd(container.getId()).withForce(true).exec());
      log.info("reaped container {} {} (not running)", container.getId(), owner(container));
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
