package dev.dockhand.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's view of one task: delivers events in seq order, each once. While the stored
 * events are replayed, live ones wait in a buffer; a gap (events published out of order by two
 * threads, or a notification from another node) is filled from the log. Thread-safe.
 */
final class EventSubscription {
  private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);
  private static final int PAGE = 500;

  private final String taskId;
  private final EventListener listener;
  private final EventLog eventLog;
  private List<Event> buffer = new ArrayList<>();
  private long delivered;
  private volatile boolean closed;

  EventSubscription(String taskId, long after, EventListener listener, EventLog eventLog) {
    this.taskId = taskId;
    this.delivered = after;
    this.listener = listener;
    this.eventLog = eventLog;
  }

  /** Delivers every stored event after the starting point, then whatever arrived meanwhile. */
  void replay() {
    while (!closed) {
      long from;
      synchronized (this) {
        from = delivered;
      }
      List<Event> page = eventLog.page(taskId, from, PAGE);
      synchronized (this) {
        page.forEach(this::deliverInOrder);
        if (page.size() < PAGE) {
          List<Event> waiting = buffer;
          buffer = null;
          waiting.sort(Comparator.comparingLong(Event::seq));
          waiting.forEach(this::offerLive);
          return;
        }
      }
    }
  }

  synchronized void offer(Event event) {
    if (buffer != null) {
      buffer.add(event);
    } else {
      offerLive(event);
    }
  }

  void delta(DeltaStream stream, String text) {
    if (!closed) {
      try {
        listener.onDelta(taskId, stream, text);
      } catch (RuntimeException e) {
        log.warn("delta listener of task {} failed", taskId, e);
      }
    }
  }

  void close() {
    closed = true;
  }

  private void offerLive(Event event) {
    // Read what is missing before this one; it is committed, since seqs commit in order.
    while (!closed && event.seq() > delivered + 1) {
      int missing = (int) Math.min(EventLog.MAX_PAGE, event.seq() - delivered - 1);
      List<Event> page = eventLog.page(taskId, delivered, missing);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(this::deliverInOrder);
    }
    deliverInOrder(event);
  }

  private void deliverInOrder(Event event) {
    if (closed || event.seq() != delivered + 1) {
      return;
    }
    delivered = event.seq();
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("event listener of task {} failed", taskId, e);
    }
  }
}
