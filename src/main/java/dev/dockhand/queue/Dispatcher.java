package dev.dockhand.queue;

import dev.dockhand.DockhandException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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

  /** How an attempt ended on this node; {@code status} is empty when its lease was lost. */
  public record AttemptEnd(String taskId, int attempt, Optional<TaskStatus> status) {}

  private final TaskQueue queue;
  private final TaskLeases leases;
  private final TaskStep step;
  private final QueueSettings settings;
  private final String nodeId;
  private final Map<String, RunningAttempt> running = new ConcurrentHashMap<>();
  private final List<Consumer<AttemptEnd>> endListeners = new CopyOnWriteArrayList<>();
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

  /** Called with every attempt this node ends, after its state is stored. */
  public void onAttemptEnded(Consumer<AttemptEnd> listener) {
    endListeners.add(listener);
  }

  public int runningCount() {
    return running.size();
  }

  /** Whether an attempt of this task runs on this node now. */
  public boolean isRunning(String taskId) {
    return running.containsKey(taskId);
  }

  public String nodeId() {
    return nodeId;
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
    running.values().forEach(attempt -> attempt.stop(RunningAttempt.Stop.SHUTDOWN));
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
    Throwable failure = null;
    TaskResult result = null;
    try {
      result = step.run(attempt);
    } catch (Throwable e) {
      failure = e;
    }
    Optional<Task> after = Optional.empty();
    try {
      after = settle(attempt, result, failure);
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
    AttemptEnd end =
        new AttemptEnd(attempt.task().id(), attempt.lease().attempt(), after.map(Task::status));
    endListeners.forEach(listener -> listener.accept(end));
  }

  private Optional<Task> settle(RunningAttempt attempt, TaskResult result, Throwable failure) {
    Lease lease = attempt.lease();
    var usage = attempt.totalUsage();
    var timings = attempt.timings();
    return Optional.ofNullable(
        switch (attempt.stopReason()) {
          case LEASE_LOST -> null;
          case SHUTDOWN -> leases.handBack(lease, usage, timings);
          case CANCELLED -> leases.cancelled(lease, usage, timings);
          case NONE -> {
            if (failure == null) {
              TaskResult done = result == null ? TaskResult.NOTHING : result;
              yield leases.complete(attempt.task(), done, usage, timings);
            }
            if (failure instanceof FailureWithResult kept) {
              String reason = kept.getMessage();
              yield leases.fail(lease, kept.code(), reason, usage, timings, kept.result());
            }
            if (failure instanceof DockhandException known) {
              yield known.retryable()
                  ? leases.retry(lease, known.code(), known.getMessage(), usage, timings)
                  : leases.fail(lease, known.code(), known.getMessage(), usage, timings);
            }
            // Foreign messages may quote secrets; keep them in the log, not in the task.
            log.error("task {} failed unexpectedly", lease.taskId(), failure);
            String reason = "internal error (" + failure.getClass().getSimpleName() + ")";
            yield leases.fail(lease, "internal", reason, usage, timings);
          }
        });
  }

  private void resumeIfMessagesWaiting(RunningAttempt attempt, Optional<Task> after) {
    boolean finished =
        after.isPresent()
            && after.get().status().terminal()
            && after.get().status() != TaskStatus.CANCELLED;
    try {
      if (finished && attempt.hasUntakenMessages()) {
        queue.resumeIfFinished(attempt.task().id());
      }
    } catch (RuntimeException e) {
      log.warn("task {}: cannot resume for waiting follow-ups", attempt.task().id(), e);
    }
  }

  private void heartbeatAll() {
    for (RunningAttempt attempt : running.values()) {
      try {
        if (leases.heartbeat(attempt.lease(), attempt.totalUsage())) {
          attempt.stop(RunningAttempt.Stop.CANCELLED);
        }
      } catch (LeaseLostException e) {
        attempt.stop(RunningAttempt.Stop.LEASE_LOST);
      } catch (RuntimeException e) {
        log.warn("heartbeat of task {} failed: {}", attempt.task().id(), e.toString());
      }
    }
  }

  private void cancelRequested(String taskId) {
    RunningAttempt attempt = running.get(taskId);
    if (attempt != null) {
      attempt.stop(RunningAttempt.Stop.CANCELLED);
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
