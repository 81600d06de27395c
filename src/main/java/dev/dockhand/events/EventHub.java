package dev.dockhand.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.store.Database;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * Live fan-out of task events and deltas to this process's subscribers (a task's status changes
 * have their own hub, {@code queue.TaskHub}). Events are published only after the transaction that
 * stored them commits. On PostgreSQL every publish also goes out as a small NOTIFY ({taskId, seq};
 * the receiver reads the row), so subscribers on every node see work done on any node. Listeners
 * run on the publisher's thread and must be quick. Thread-safe.
 */
public final class EventHub {
  static final String EVENTS = "dockhand_events";
  static final String DELTAS = "dockhand_deltas";

  /** NOTIFY payloads must stay under 8000 bytes; deltas are cut into pieces below this. */
  static final int MAX_DELTA_BYTES = 6000;

  private final Database database;
  private final EventLog eventLog;

  private final Notifications notifications = new Notifications();
  private final Map<String, Set<EventSubscription>> byTask = new ConcurrentHashMap<>();
  private final List<Consumer<Event>> observers = new CopyOnWriteArrayList<>();

  public EventHub(Database database, EventLog eventLog) {
    this.database = database;
    this.eventLog = eventLog;
    database.listen(EVENTS, notifications.fromOthers(this::remoteEvent));
    database.listen(DELTAS, notifications.fromOthers(this::remoteDelta));
  }

  /**
   * Replays every stored event of the task with seq greater than {@code after}, then live ones, in
   * seq order, each exactly once. Close the returned handle to stop.
   */
  public AutoCloseable subscribe(String taskId, long after, EventListener listener) {
    EventSubscription subscription = new EventSubscription(taskId, after, listener, eventLog);
    // Added inside compute: the last subscriber of the task leaving at the same moment removes the
    // set under the same lock, so the new subscription cannot land in a set no longer mapped.
    byTask.compute(
        taskId,
        (id, set) -> {
          Set<EventSubscription> live = set == null ? ConcurrentHashMap.newKeySet() : set;
          live.add(subscription);
          return live;
        });
    AutoCloseable handle =
        () -> {
          subscription.close();
          byTask.computeIfPresent(
              taskId, (id, set) -> set.remove(subscription) && set.isEmpty() ? null : set);
        };
    try {
      subscription.replay();
    } catch (RuntimeException e) {
      closeQuietly(handle);
      throw e;
    }
    return handle;
  }

  /**
   * Every event this node stores, of any task, once its transaction commits; not the events other
   * nodes store, so across nodes each event reaches exactly one node's observers (push
   * notifications are sent once). Runs on the publisher's thread: hand the event on and return.
   */
  public AutoCloseable observe(Consumer<Event> observer) {
    observers.add(observer);
    return () -> observers.remove(observer);
  }

  /** Live output of {@code stream}, never stored. */
  public void publishDelta(String taskId, DeltaStream stream, String text) {
    deliverDelta(taskId, stream, text);
    if (database.postgres()) {
      for (String piece : pieces(text)) {
        String payload =
            notifications.payload(taskId).put("k", stream.wire()).put("x", piece).toString();
        database.jdbi().useHandle(handle -> database.notify(handle, DELTAS, payload));
      }
    }
  }

  /** Publishes {@code event} to every node once the transaction of {@code handle} commits. */
  public void publishOnCommit(Handle handle, Event event) {
    String payload = notifications.payload(event.taskId()).put("s", event.seq()).toString();
    database.notify(handle, EVENTS, payload);
    handle.afterCommit(
        () -> {
          deliverEvent(event);
          observers.forEach(observer -> observer.accept(event));
        });
  }

  private void deliverEvent(Event event) {
    Set<EventSubscription> subscriptions = byTask.get(event.taskId());
    if (subscriptions != null) {
      subscriptions.forEach(subscription -> subscription.offer(event));
    }
  }

  private void deliverDelta(String taskId, DeltaStream stream, String text) {
    Set<EventSubscription> subscriptions = byTask.get(taskId);
    if (subscriptions != null) {
      subscriptions.forEach(subscription -> subscription.delta(stream, text));
    }
  }

  private void remoteEvent(JsonNode payload) {
    if (byTask.containsKey(payload.path("t").asText())) {
      eventLog
          .get(payload.path("t").asText(), payload.path("s").asLong())
          .ifPresent(this::deliverEvent);
    }
  }

  private void remoteDelta(JsonNode payload) {
    deliverDelta(
        payload.path("t").asText(),
        DeltaStream.ofWire(payload.path("k").asText()),
        payload.path("x").asText());
  }

  /** Cuts text into pieces of at most MAX_DELTA_BYTES UTF-8 bytes, never inside a character. */
  static List<String> pieces(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    int bytes = 0;
    for (int i = 0; i < text.length(); ) {
      int codePoint = text.codePointAt(i);
      int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      // JSON escaping can double a byte count; leave room for it.
      int cost = codePoint < 0x20 || codePoint == '"' || codePoint == '\\' ? 6 : size;
      if (bytes + cost > MAX_DELTA_BYTES) {
        pieces.add(text.substring(start, i));
        start = i;
        bytes = 0;
      }
      bytes += cost;
      i += Character.charCount(codePoint);
    }
    if (start < text.length() || pieces.isEmpty()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing a subscription does not fail.
    }
  }
}
