package dev.dockhand.testkit;

import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventData;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.TaskEvents;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.SpendLimitReached;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link TaskContext} for tests at the agent's boundary: events go to a list (seq from 1, or on
 * from the prior events given), deltas to another, follow-ups are queued by the test, {@link
 * #cancel()} runs the registered actions as the dispatcher would, and the owner's daily spend is
 * kept as the ledger would keep it. Thread-safe.
 */
public final class RecordingTaskContext implements TaskContext {
  private final Task task;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<String> deltas = new CopyOnWriteArrayList<>();
  private final List<String> otherDeltas = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<String> followUps = new ConcurrentLinkedQueue<>();
  private final List<Runnable> cancelActions = new ArrayList<>();
  private final Map<String, Long> timings = new ConcurrentHashMap<>();
  private final List<Usage> usages = new CopyOnWriteArrayList<>();
  private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> deltaListeners = new CopyOnWriteArrayList<>();
  private final long firstSeq;
  private boolean cancelled;
  private double ownerDailyLimitUsd = Double.POSITIVE_INFINITY;
  private double ownerSpentUsd;

  public RecordingTaskContext(Task task) {
    this(task, List.of());
  }

  /** A context whose new events follow {@code prior} (a resumed task's stored events). */
  public RecordingTaskContext(Task task, List<Event> prior) {
    this.task = task;
    this.firstSeq = prior.size() + 1;
  }

  @Override
  public Task task() {
    return task;
  }

  @Override
  public TaskEvents events() {
    return new TaskEvents() {
      @Override
      public Event append(EventPayload payload) {
        EventData data = EventData.of(payload);
        Event event =
            new Event(task.id(), firstSeq + events.size(), data.kind(), data.json(), Instant.now());
        events.add(event);
        listeners.forEach(listener -> listener.accept(event));
        return event;
      }

      @Override
      public void delta(DeltaStream stream, String text) {
        if (stream != DeltaStream.TEXT) {
          otherDeltas.add(stream.wire() + ":" + text);
          return;
        }
        deltas.add(text);
        deltaListeners.forEach(listener -> listener.accept(text));
      }
    };
  }

  /** Calls {@code listener} with each event appended from now on (e.g. to cancel at a point). */
  public void onEvent(Consumer<Event> listener) {
    listeners.add(listener);
  }

  /** Calls {@code listener} with each live text delta from now on. */
  public void onDelta(Consumer<String> listener) {
    deltaListeners.add(listener);
  }

  @Override
  public synchronized boolean cancelled() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable action) {
    boolean runNow;
    synchronized (this) {
      cancelActions.add(action);
      runNow = cancelled;
    }
    if (runNow) {
      action.run();
    }
  }

  public void cancel() {
    List<Runnable> actions;
    synchronized (this) {
      cancelled = true;
      actions = List.copyOf(cancelActions);
    }
    actions.forEach(Runnable::run);
  }

  /**
   * A follow-up posted to the running task: stored as its message.user event at once, as the queue
   * does, and handed to the attempt at its next turn.
   */
  public void post(String message) {
    events().append(new EventPayload.UserMessage(message));
    followUps.add(message);
  }

  @Override
  public List<String> takeMessages() {
    List<String> taken = new ArrayList<>();
    for (String message = followUps.poll(); message != null; message = followUps.poll()) {
      taken.add(message);
    }
    return taken;
  }

  @Override
  public synchronized void usage(Usage total) {
    ownerSpentUsd += total.costUsd() - usage().costUsd();
    usages.add(total);
  }

  /** Gives the owner a daily spend limit, of which other tasks of theirs spent {@code spentUsd}. */
  public synchronized void ownerDailyLimit(double limitUsd, double spentUsd) {
    ownerDailyLimitUsd = limitUsd;
    ownerSpentUsd = spentUsd;
  }

  /** Spend of another task of the owner, running at the same time. */
  public synchronized void ownerSpends(double usd) {
    ownerSpentUsd += usd;
  }

  /** What the owner has spent today, this task's turns included. */
  public synchronized double ownerSpent() {
    return ownerSpentUsd;
  }

  @Override
  public synchronized Optional<SpendLimitReached> ownerSpendLimit() {
    if (ownerSpentUsd < ownerDailyLimitUsd) {
      return Optional.empty();
    }
    Instant now = Instant.now();
    Instant midnight =
        LocalDate.ofInstant(now, ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant();
    return Optional.of(
        new SpendLimitReached(
            "daily",
            ownerDailyLimitUsd,
            ownerSpentUsd,
            false,
            midnight,
            Duration.between(now, midnight)));
  }

  @Override
  public void timing(String phase, long millis) {
    timings.put(phase, millis);
  }

  public List<Event> events(EventKind kind) {
    return events.stream().filter(event -> event.kind() == kind).toList();
  }

  public List<Event> allEvents() {
    return List.copyOf(events);
  }

  /** The model's live text. */
  public String deltas() {
    return String.join("", deltas);
  }

  /** Live setup and checks output, as "stream:text" pieces. */
  public List<String> otherDeltas() {
    return List.copyOf(otherDeltas);
  }

  public Map<String, Long> timings() {
    return Map.copyOf(timings);
  }

  /** The last usage figure reported, or zero. */
  public Usage usage() {
    return usages.isEmpty() ? Usage.ZERO : usages.get(usages.size() - 1);
  }
}
