package dev.dockhand.queue;

import dev.dockhand.DockhandException;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.AttemptOutcome.Cancelled;
import dev.dockhand.queue.AttemptOutcome.Failed;
import dev.dockhand.queue.AttemptOutcome.HandedBack;
import dev.dockhand.queue.AttemptOutcome.LeaseLost;
import dev.dockhand.queue.AttemptOutcome.Retryable;
import dev.dockhand.queue.AttemptOutcome.Stopped;
import dev.dockhand.queue.AttemptOutcome.Succeeded;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's share of the queue: claims runnable tasks when woken (a submit here, a NOTIFY
 * from another node, a finished task) or at the poll interval, runs each attempt on a virtual
 * thread, keeps its lease alive, rescues tasks whose owner died, and records how each attempt
 * ended. Thread-safe.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final TaskQueue queue;
  private final TaskLeases leases;
  private final TaskStep step;
  private final QueueSettings settings;
  private final String nodeId;
  private final Map<String, RunningAttempt> running = new ConcurrentHashMap<>();
  private final Semaphore wakeups = new Semaphore(0);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Thread loop;
  private final ScheduledExecutorService heartbeats;
  private volatile ClaimGate gate = ClaimGate.OPEN;

  /**
   * @param clock must be the queue's clock: timestamps use it (leases run on the database's), while
   *     the dispatcher's own waits (poll, heartbeat) are in real time
   */
  public Dispatcher(
      TaskQueue queue, TaskStep step, QueueSettings settings, String nodeId, Clock clock) {
    if (!queue.clock().equals(clock)) {
      throw new IllegalArgumentException("the dispatcher and its queue must share one clock");
    }
    this.queue = queue;
    this.leases = queue.leases();
    this.step = step;
    this.settings = settings;
    this.nodeId = nodeId;
    this.loop =
        Thread.ofPlatform().daemon().name("dockhand-dispatch-" + nodeId).unstarted(this::loop);
    this.heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dockhand-heartbeat-" + nodeId).factory());
  }

  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    queue.onRunnable(this::wake);
    queue.onCancelRequested(this::cancelRequested);
    int orphans = leases.rescueOwnedBy(nodeId);
    if (orphans > 0) {
      log.info("put back {} tasks this node held before it restarted", orphans);
    }
    long period = settings.heartbeat().toMillis();
    heartbeats.scheduleWithFixedDelay(this::heartbeatAll, period, period, TimeUnit.MILLISECONDS);
    loop.start();
  }

  /** Limits claims by what else the node must have room for; set before {@link #start()}. */
  public void gate(ClaimGate gate) {
    this.gate = gate;
  }

  /** Makes the dispatcher look for work now rather than at the next poll. */
  public void wake() {
    wakeups.release();
  }

  /** Whether an attempt of this task runs on this node now (the container reaper asks). */
  public boolean isRunning(String taskId) {
    return running.containsKey(taskId);
  }

  /**
   * SIGTERM: stops claiming, cancels the running attempts, hands their tasks back to the queue
   * (task.retrying, no attempt spent) and returns. An attempt that does not stop within a heartbeat
   * is handed back anyway; its later writes are refused by the lease.
   */
  public void shutdown() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    wake();
    if (started.get()) {
      joinQuietly(loop);
    }
    running.values().forEach(attempt -> attempt.stop(new HandedBack()));
    long deadline = System.nanoTime() + settings.heartbeat().toNanos();
    for (RunningAttempt attempt : List.copyOf(running.values())) {
      if (!awaitEnd(attempt, deadline)) {
        handBackQuietly(attempt);
      }
    }
    heartbeats.shutdownNow();
  }

  private void loop() {
    long nextRescue = 0;
    while (!stopping.get()) {
      try {
        if (System.nanoTime() - nextRescue >= 0) {
          leases.rescueExpired();
          nextRescue = System.nanoTime() + settings.poll().toNanos();
        }
        int slots = settings.maxConcurrentTasks() - running.size();
        int free = slots > 0 ? Math.min(slots, gate.admit(slots)) : 0;
        if (free > 0) {
          leases.claim(nodeId, free).forEach(this::launch);
        }
      } catch (RuntimeException e) {
        log.warn("claiming failed, will try again: {}", e.toString());
      }
      awaitWakeup();
    }
  }

  private void awaitWakeup() {
    try {
      if (wakeups.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS)) {
        wakeups.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.set(true);
    }
  }

  private void launch(Task task) {
    RunningAttempt attempt = new RunningAttempt(queue, task);
    running.put(task.id(), attempt);
    Thread.ofVirtual().name("dockhand-task-" + task.shortId()).start(() -> run(attempt));
  }

  private void run(RunningAttempt attempt) {
    AttemptOutcome ran = runStep(attempt);
    // A stop wins over what the step made of it (a stopped step often just throws).
    Optional<Stopped> stop = attempt.stopped();
    AttemptOutcome outcome = stop.isPresent() ? stop.get() : ran;
    Optional<Task> after = Optional.empty();
    try {
      after = record(attempt, outcome);
    } catch (LeaseLostException e) {
      log.info("task {}: attempt {} ended after its lease was lost", e.taskId(), e.attempt());
    } catch (RuntimeException e) {
      log.error("task {}: cannot store how its attempt ended", attempt.task().id(), e);
    } finally {
      running.remove(attempt.task().id(), attempt);
      attempt.markEnded();
      wake();
    }
    resumeIfMessagesWaiting(attempt, after);
  }

  /** The one place where what a step throws becomes an outcome. */
  private AttemptOutcome runStep(RunningAttempt attempt) {
    try {
      return Objects.requireNonNull(step.run(attempt), "the step returned no outcome");
    } catch (DockhandException known) {
      return known.retryable()
          ? new Retryable(known.code(), known.getMessage())
          : new Failed(known.code(), known.getMessage());
    } catch (Throwable e) {
      if (attempt.stopped().isEmpty()) {
        // Foreign messages may quote secrets; keep them in the log, not in the task.
        log.error("task {} failed unexpectedly", attempt.task().id(), e);
      }
      return new Failed("internal", "internal error (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Stores how the attempt ended; empty when its lease was lost and nothing may be written. */
  private Optional<Task> record(RunningAttempt attempt, AttemptOutcome outcome) {
    Lease lease = attempt.lease();
    Usage usage = attempt.totalUsage();
    Map<String, Long> timings = attempt.timings();
    return Optional.ofNullable(
        switch (outcome) {
          case Succeeded done -> leases.complete(attempt.task(), done.result(), usage, timings);
          case Failed failed ->
              leases.fail(lease, failed.code(), failed.message(), usage, timings, failed.kept());
          case Retryable fault ->
              leases.retry(lease, fault.code(), fault.message(), usage, timings);
          case Cancelled cancelled -> leases.cancelled(lease, usage, timings);
          case HandedBack handedBack -> leases.handBack(lease, usage, timings);
          case LeaseLost lost -> null;
        });
  }

  private void resumeIfMessagesWaiting(RunningAttempt attempt, Optional<Task> after) {
    boolean finished =
        after.isPresent()
            && after.get().status().terminal()
            && after.get().status() != TaskStatus.CANCELLED;
    try {
      if (finished && attempt.hasUntakenMessages()) {
        queue.resumeIfFinished(attempt.task().id(), attempt.lease().attempt());
      }
    } catch (RuntimeException e) {
      log.warn("task {}: cannot resume for waiting follow-ups", attempt.task().id(), e);
    }
  }

  private void heartbeatAll() {
    for (RunningAttempt attempt : running.values()) {
      try {
        if (leases.heartbeat(attempt.lease(), attempt.totalUsage())) {
          attempt.stop(new Cancelled());
        }
      } catch (LeaseLostException e) {
        attempt.stop(new LeaseLost());
      } catch (RuntimeException e) {
        log.warn("heartbeat of task {} failed: {}", attempt.task().id(), e.toString());
      }
    }
  }

  private void cancelRequested(String taskId) {
    RunningAttempt attempt = running.get(taskId);
    if (attempt != null) {
      attempt.stop(new Cancelled());
    }
  }

  private void handBackQuietly(RunningAttempt attempt) {
    try {
      leases.handBack(attempt.lease(), attempt.totalUsage(), attempt.timings());
    } catch (RuntimeException e) {
      log.warn("task {}: cannot hand back: {}", attempt.task().id(), e.toString());
    }
  }

  private static boolean awaitEnd(RunningAttempt attempt, long deadline) {
    try {
      return attempt.ended().await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
