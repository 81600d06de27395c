package dev.dockhand.queue;

import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.TaskEvents;
import dev.dockhand.events.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt of one task on this node: the {@link TaskContext} its step sees. Thread-safe. */
final class RunningAttempt implements TaskContext {
  private static final Logger log = LoggerFactory.getLogger(RunningAttempt.class);

  private final Task task;
  private final Lease lease;
  private final TaskQueue queue;
  private final AtomicReference<AttemptOutcome.Stopped> stop = new AtomicReference<>();
  private final List<Runnable> cancelActions = new ArrayList<>();
  private final Set<Long> ownMessages = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> timings;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final TaskEvents events = new AttemptEvents();
  private final AtomicReference<Usage> attemptUsage = new AtomicReference<>(Usage.ZERO);
  private long messageCursor = -1;

  RunningAttempt(TaskQueue queue, Task task) {
    this.queue = queue;
    this.task = task;
    this.lease = Lease.of(task);
    this.timings = new ConcurrentHashMap<>(task.timings());
    task.startedAt()
        .ifPresent(
            started ->
                timings.putIfAbsent(
                    "queued", started.toEpochMilli() - task.createdAt().toEpochMilli()));
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public TaskEvents events() {
    return events;
  }

  @Override
  public boolean cancelled() {
    return stop.get() != null;
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (cancelActions) {
      if (!cancelled()) {
        cancelActions.add(action);
        return;
      }
    }
    runQuietly(action);
  }

  @Override
  public synchronized List<String> takeMessages() {
    List<String> messages = new ArrayList<>();
    for (Event event : messagesNotTaken()) {
      messageCursor = event.seq();
      if (!ownMessages.contains(event.seq())) {
        if (event.payload() instanceof EventPayload.UserMessage message) {
          messages.add(message.content());
        }
      }
    }
    return messages;
  }

  /** True when follow-ups arrived that the attempt never took. */
  synchronized boolean hasUntakenMessages() {
    return messagesNotTaken().stream().anyMatch(event -> !ownMessages.contains(event.seq()));
  }

  /**
   * Follow-ups after the last one taken or, before the first take, after this attempt's
   * task.started: those stored earlier are already part of the conversation it rebuilds.
   */
  private List<Event> messagesNotTaken() {
    return messageCursor < 0
        ? queue
            .eventLog()
            .ofKindSinceLatest(task.id(), EventKind.MESSAGE_USER, EventKind.TASK_STARTED)
        : queue.eventLog().ofKind(task.id(), EventKind.MESSAGE_USER, messageCursor);
  }

  /** The turn was paid for whatever becomes of the attempt, so its cost is recorded at once. */
  @Override
  public void usage(Usage total) {
    Usage before = attemptUsage.getAndSet(total);
    double paid = total.costUsd() - before.costUsd();
    try {
      queue.spend().add(task.userId(), paid);
    } catch (RuntimeException e) {
      log.warn("task {}: cannot record ${} of spend: {}", task.id(), paid, e.toString());
    }
  }

  @Override
  public Optional<SpendLimitReached> ownerSpendLimit() {
    return queue.spend().limitReached(task.userId());
  }

  @Override
  public void timing(String phase, long millis) {
    timings.put(phase, millis);
  }

  /** Stops the attempt for {@code reason} and runs its cancel actions; the first reason wins. */
  void stop(AttemptOutcome.Stopped reason) {
    if (!stop.compareAndSet(null, reason)) {
      return;
    }
    log.info(
        "stopping task {} attempt {}: {}",
        task.id(),
        lease.attempt(),
        reason.getClass().getSimpleName());
    List<Runnable> actions;
    synchronized (cancelActions) {
      actions = List.copyOf(cancelActions);
      cancelActions.clear();
    }
    actions.forEach(RunningAttempt::runQuietly);
  }

  /** Why the attempt was stopped; empty while it runs on its own. */
  Optional<AttemptOutcome.Stopped> stopped() {
    return Optional.ofNullable(stop.get());
  }

  Lease lease() {
    return lease;
  }

  /** Usage of all attempts so far, this one included. */
  Usage totalUsage() {
    return task.usage().plus(attemptUsage.get());
  }

  Map<String, Long> timings() {
    return Map.copyOf(timings);
  }

  void markEnded() {
    ended.countDown();
  }

  CountDownLatch ended() {
    return ended;
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("cancel action failed", e);
    }
  }

  /** Appends guarded by this attempt's lease; a lost lease stops the attempt. */
  private final class AttemptEvents implements TaskEvents {
    @Override
    public Event append(EventPayload payload) {
      try {
        Event event = queue.leases().append(lease, payload);
        if (payload instanceof EventPayload.UserMessage) {
          ownMessages.add(event.seq());
        }
        return event;
      } catch (LeaseLostException e) {
        stop(new AttemptOutcome.LeaseLost());
        throw e;
      }
    }

    @Override
    public void delta(DeltaStream stream, String text) {
      if (!(stop.get() instanceof AttemptOutcome.LeaseLost)) {
        queue.hub().publishDelta(task.id(), stream, text);
      }
    }
  }
}
