package dev.dockhand.web;

import dev.dockhand.metrics.Metrics;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection's outbound buffer, bounded. Jetty already keeps an ordered queue per
 * connection with a non-blocking sender (its frame flusher); what it lacks is a bound, so every
 * frame is counted from {@code sendText} until its write completes. A client that lets more than
 * the limit pile up is closed with 1013 (try again later) and, if it still does not read, cut after
 * a grace period. Senders never block, so one stalled client delays no one. Thread-safe.
 */
final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  static final int TOO_SLOW = 1013;

  private final Session session;
  private final WebLimits limits;
  private final Metrics metrics;
  private final ScheduledExecutorService timer;
  private final AtomicInteger frames = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final Object roomSignal = new Object();
  private volatile int waiting;
  private volatile boolean closed;

  Outbox(Session session, WebLimits limits, Metrics metrics, ScheduledExecutorService timer) {
    this.session = session;
    this.limits = limits;
    this.metrics = metrics;
    this.timer = timer;
  }

  /** Queues a frame; false if the connection is closed or was just dropped for slowness. */
  boolean send(String frame) {
    if (closed) {
      return false;
    }
    // Characters, not bytes: the bound need not be exact, and counting is then free.
    long size = frame.length();
    int queuedFrames = frames.incrementAndGet();
    long queuedBytes = bytes.addAndGet(size);
    if (queuedFrames > limits.outboundMaxFrames() || queuedBytes > limits.outboundMaxBytes()) {
      written(size);
      dropTooSlow();
      return false;
    }
    session.sendText(
        frame,
        Callback.from(
            () -> written(size),
            failure -> {
              // Jetty reports every frame it did not write here, not by throwing; say so.
              LOG.debug("frame not written: {}", failure.toString());
              written(size);
            }));
    return true;
  }

  private void written(long size) {
    frames.decrementAndGet();
    bytes.addAndGet(-size);
    if (waiting > 0 && hasRoom()) {
      synchronized (roomSignal) {
        roomSignal.notifyAll();
      }
    }
  }

  private boolean hasRoom() {
    return frames.get() <= limits.outboundMaxFrames() / 2
        && bytes.get() <= limits.outboundMaxBytes() / 2;
  }

  /** Waits until at most half the buffer is in use; false if the connection closed meanwhile. */
  boolean awaitRoom() throws InterruptedException {
    synchronized (roomSignal) {
      waiting++;
      try {
        while (!closed && !hasRoom()) {
          roomSignal.wait(1000);
        }
      } finally {
        waiting--;
      }
    }
    return !closed;
  }

  private void dropTooSlow() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    metrics.slowClientDropped();
    session.close(TOO_SLOW, "client too slow; reconnect with your last seq", Callback.NOOP);
    timer.schedule(
        () -> {
          if (session.isOpen()) {
            session.disconnect();
          }
        },
        limits.slowClientGrace().toMillis(),
        TimeUnit.MILLISECONDS);
    wakeWaiters();
  }

  /** The connection is gone: stop accepting frames and release a waiting replay. */
  void closed() {
    closed = true;
    wakeWaiters();
  }

  boolean isClosed() {
    return closed;
  }

  private void wakeWaiters() {
    synchronized (roomSignal) {
      roomSignal.notifyAll();
    }
  }
}
