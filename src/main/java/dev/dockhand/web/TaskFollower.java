package dev.dockhand.web;

import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventListener;
import dev.dockhand.events.EventLog;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription to one task: replays stored events after {@code after} page by page, at the pace
 * the client drains them, then hands over to the hub from the last replayed seq, which replays
 * whatever was appended meanwhile and continues live. So every event reaches the sink once, in seq
 * order, and a long history cannot overflow a slow client's buffer. Thread-safe.
 */
final class TaskFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskFollower.class);
  private static final int MAX_PAGE = 200;

  private final EventLog log;
  private final EventHub hub;
  private final String taskId;
  private final FollowerSink sink;
  private final int pageSize;
  private boolean closed;
  private AutoCloseable live;

  /** {@code bufferFrames}: what the sink holds; a replay page fills at most a quarter of it. */
  TaskFollower(EventLog log, EventHub hub, String taskId, FollowerSink sink, int bufferFrames) {
    this.log = log;
    this.hub = hub;
    this.taskId = taskId;
    this.sink = sink;
    this.pageSize = Math.clamp(bufferFrames / 4, 1, MAX_PAGE);
  }

  String taskId() {
    return taskId;
  }

  /**
   * Starts following on a virtual thread, which first asks {@code allowed} (an ownership check that
   * may touch the store) and stops at once if it says no.
   */
  TaskFollower start(long after, BooleanSupplier allowed) {
    Thread.ofVirtual()
        .name("follow-" + taskId)
        .start(
            () -> {
              try {
                if (allowed.getAsBoolean()) {
                  run(after);
                } else {
                  close();
                }
              } catch (InterruptedException e) {
                close();
              } catch (RuntimeException e) {
                LOG.warn("following task {} failed: {}", taskId, e.toString());
                close();
                sink.failed(this, e);
              }
            });
    return this;
  }

  private void run(long after) throws InterruptedException {
    long last = after;
    while (!isClosed() && sink.awaitRoom()) {
      List<Event> page = log.page(taskId, last, pageSize);
      for (Event event : page) {
        sink.event(event);
        last = event.seq();
      }
      if (page.size() < pageSize) {
        break;
      }
    }
    AutoCloseable subscription = hub.subscribe(taskId, last, new Listener());
    synchronized (this) {
      if (!closed) {
        live = subscription;
        return;
      }
    }
    closeQuietly(subscription);
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    AutoCloseable subscription;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      subscription = live;
      live = null;
    }
    if (subscription != null) {
      closeQuietly(subscription);
    }
  }

  private static void closeQuietly(AutoCloseable subscription) {
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.warn("closing a task subscription failed: {}", e.toString());
    }
  }

  private final class Listener implements EventListener {
    @Override
    public void onEvent(Event event) {
      sink.event(event);
    }

    @Override
    public void onDelta(String deltaTaskId, DeltaStream stream, String text) {
      sink.delta(deltaTaskId, stream, text);
    }
  }
}
