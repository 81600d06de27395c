package dev.dockhand.sandbox;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.PropagationMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task containers with the engine's create and start taken off a task's path: up to {@link
 * SandboxSettings#warmPool()} containers of {@link ContainerSpec}'s shape, created and started
 * ahead, each over an empty slot of {@link PoolMounts}. A task's start takes one, binds the task's
 * own workspace, /tmp, home and egress socket on the slot's directories (which the container sees
 * at once, through mount propagation) and names it for the task; it is that task's alone and is
 * removed when closed, never given back. A refiller on a virtual thread makes the next one, never
 * holding more than the configured count (the containers serving tasks are theirs, not the pool's).
 * An empty pool, a start the pool cannot serve, or a hand-over that fails gets a fresh container,
 * as without a pool. Where the host cannot make the shared mount, or a mount made after a container
 * started does not reach it (gVisor serves its binds from what it opened at start), the pool turns
 * itself off, saying so once. Thread-safe.
 */
public final class WarmPool implements Sandbox, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  /** Told of each start while the pool is on: served from the pool (a hit) or not (a miss). */
  public interface HandOvers {
    void handedOver(boolean fromPool);
  }

  /** A started container waiting in the pool, over its slot's directories, made from an image. */
  private record Member(String slot, TaskFiles slotFiles, String containerId, String imageId) {}

  private final DockerSandbox sandbox;
  private final SandboxSettings settings;
  private final PoolMounts mounts;
  private final HandOvers handOvers;
  private final boolean relay;
  private final LinkedBlockingDeque<Member> idle = new LinkedBlockingDeque<>();

  /** This run's slots that have a container: "" while filling or idle, else the task served. */
  private final Map<String, String> slots = new ConcurrentHashMap<>();

  private final AtomicLong slotNumbers = new AtomicLong();
  private volatile boolean on;
  private volatile boolean closed;
  private PoolRefiller refiller;

  private WarmPool(DockerSandbox sandbox, Path root, HandOvers handOvers) {
    this.sandbox = sandbox;
    this.settings = sandbox.settings();
    this.mounts = new PoolMounts(root, sandbox.incarnation());
    this.handOvers = handOvers;
    this.relay = settings.network() == SandboxNetwork.ALLOWLIST;
  }

  /**
   * A pool of {@code sandbox}'s containers, filling at once on a virtual thread, with its slots
   * under {@code <dataDir>/pool/<node id>/<incarnation>}. Closing it closes {@code sandbox} too.
   */
  public static WarmPool start(DockerSandbox sandbox, Path dataDir, HandOvers handOvers) {
    Path root = dataDir.resolve("pool").resolve(sandbox.nodeId());
    WarmPool pool = new WarmPool(sandbox, root, handOvers);
    if (pool.settings.warmPool() > 0) {
      try {
        pool.mounts.open();
        pool.on = true;
        pool.refiller =
            new PoolRefiller(
                pool.settings.warmPool(),
                () -> pool.on && !pool.closed,
                pool.idle::size,
                pool::fillOne);
      } catch (SandboxException e) {
        log.warn("warm pool off: {}; every task gets a fresh container", e.getMessage());
      }
    }
    return pool;
  }

  /**
   * Whether starts are served from the pool: false when DOCKHAND_WARM_POOL is 0, once it is closed,
   * or once it turned itself off.
   */
  public boolean on() {
    return on && !closed;
  }

  /** Containers waiting in the pool now. */
  public int idle() {
    return idle.size();
  }

  DockerSandbox sandbox() {
    return sandbox;
  }

  @Override
  public SandboxContainer start(String taskId, TaskFiles files) {
    if (!on || !fits(files)) {
      return sandbox.start(taskId, files);
    }
    Member member = idle.poll();
    if (member == null) {
      handOvers.handedOver(false);
      return sandbox.start(taskId, files);
    }
    SandboxContainer handed;
    try {
      handed = handOver(member, taskId, files);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "task {}: the pool's container failed its hand-over ({}); starting a fresh one",
          taskId,
          SandboxException.rootMessage(e));
      discard(member);
      refiller.wake();
      handOvers.handedOver(false);
      return sandbox.start(taskId, files);
    }
    // Only now: until it is named for its task, the engine still shows it as the pool's.
    refiller.wake();
    handOvers.handedOver(true);
    return handed;
  }

  @Override
  public String imageId() {
    return sandbox.imageId();
  }

  /** The pool's containers have all three areas on the task's disk, and a relay iff allowlist. */
  private boolean fits(TaskFiles files) {
    return files.tmp().isPresent()
        && files.home().isPresent()
        && ContainerSpec.relays(settings, files) == relay;
  }

  private SandboxContainer handOver(Member member, String taskId, TaskFiles files)
      throws IOException {
    slots.put(member.slot(), taskId);
    if (!member.imageId().equals(sandbox.imageId())) {
      drain(); // All made before the worker image was built again: tasks get the new one.
      throw new SandboxException("it was made from an earlier build of " + settings.image(), null);
    }
    sandbox.giveToUser(files);
    mounts.bind(files, member.slotFiles());
    named(member.containerId(), taskId);
    DockerContainer container =
        new DockerContainer(sandbox.engine(), settings, member.containerId(), taskId, true);
    PooledContainer pooled = new PooledContainer(container, () -> forget(member.slot()));
    if (relay) {
      DockerSandbox.writeProxySettings(pooled, taskId);
    }
    log.debug("task {} got the pool's container {}", taskId, member.containerId());
    return pooled;
  }

  /** Named for its task, like a fresh one: an earlier attempt's leftover is found by its name. */
  private void named(String containerId, String taskId) {
    DockerEngine engine = sandbox.engine();
    String name = ContainerSpec.containerName(taskId);
    Runnable rename = () -> engine.client().renameContainerCmd(containerId).withName(name).exec();
    try {
      engine.run(rename);
    } catch (ConflictException taken) {
      sandbox.removeLeftover(taskId);
      engine.run(rename);
    }
  }

  /** One more container, started and shown to see what is mounted on its slot afterwards. */
  private void fillOne() throws IOException {
    String slot = Long.toString(slotNumbers.incrementAndGet());
    slots.put(slot, "");
    DockerContainer container = null;
    boolean kept = false;
    try {
      TaskFiles slotFiles = mounts.createSlot(slot, relay);
      container =
          sandbox.launch(
              "pool-" + sandbox.incarnation() + "-" + slot,
              Map.of(
                  ContainerSpec.NODE_LABEL, sandbox.nodeId(),
                  ContainerSpec.INCARNATION_LABEL, sandbox.incarnation(),
                  ContainerSpec.POOL_LABEL, slot),
              slotFiles,
              PropagationMode.RSLAVE);
      if (!mounts.propagates(slot, container)) {
        turnOff();
        return;
      }
      String containerId = container.id();
      String image =
          sandbox
              .engine()
              .call(
                  () ->
                      sandbox
                          .engine()
                          .client()
                          .inspectContainerCmd(containerId)
                          .exec()
                          .getImageId());
      idle.add(new Member(slot, slotFiles, containerId, image));
      kept = true;
    } finally {
      if (!kept) {
        if (container != null) {
          container.close();
        }
        forget(slot);
      }
    }
    if (closed) {
      drain(); // Closed while this one started: close() may have drained before it arrived.
    }
  }

  private void turnOff() {
    on = false;
    log.warn(
        "warm pool off: a mount made after a container started does not reach it under the {}"
            + " runtime; every task gets a fresh container",
        settings.runtime().orElse("engine's default"));
    drain();
  }

  private void drain() {
    for (Member member = idle.poll(); member != null; member = idle.poll()) {
      discard(member);
    }
  }

  private void discard(Member member) {
    new DockerContainer(sandbox.engine(), settings, member.containerId(), member.slot(), true)
        .close();
    forget(member.slot());
  }

  private void forget(String slot) {
    mounts.release(slot);
    slots.remove(slot);
  }

  /**
   * Whether this run still needs its pool's container in {@code slot}: being filled, waiting, or
   * serving a task that runs. For the {@link ContainerReaper}.
   */
  boolean needs(String slot, Predicate<String> taskIsRunning) {
    String task = slots.get(slot);
    return task != null && (task.isEmpty() || taskIsRunning.test(task));
  }

  /** Releases the slots of dead runs, once the reaper removed their containers. */
  void clearDeadSlots(Predicate<String> incarnationIsLive) {
    mounts.clearDead(incarnationIsLive);
  }

  /**
   * Removes the waiting containers and this run's slots (containers serving tasks stay theirs:
   * their close releases their slots), then closes the sandbox.
   */
  @Override
  public void close() {
    closed = true;
    if (refiller != null) {
      refiller.awaitEnd(CLOSE_WAIT);
    }
    drain();
    if (slots.isEmpty()) {
      mounts.close();
    }
    sandbox.close();
  }
}
