package dev.dockhand.run;

import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.TaskEvents;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A command's live output on its way to subscribers as deltas of one stream, gathered into pieces
 * of at most {@link #PIECE_CHARS} characters sent at most every {@link #EVERY}: a setup printing a
 * line per file would otherwise cost a frame (and on PostgreSQL a NOTIFY) per line. A virtual
 * thread sends what waits; {@link #close()} sends the rest. Thread-safe.
 */
final class LiveOutput implements AutoCloseable {
  static final Duration EVERY = Duration.ofMillis(100);
  static final int PIECE_CHARS = 16 * 1024;

  private final TaskEvents events;
  private final DeltaStream stream;
  private final StringBuilder waiting = new StringBuilder();
  private final Thread sender;
  private volatile boolean closed;

  LiveOutput(TaskEvents events, DeltaStream stream) {
    this.events = events;
    this.stream = stream;
    this.sender = Thread.ofVirtual().name("live-output").start(this::sendLoop);
  }

  void accept(String text) {
    synchronized (waiting) {
      waiting.append(text);
      if (waiting.length() >= PIECE_CHARS) {
        sendWaiting();
      }
    }
  }

  private void sendLoop() {
    while (!closed) {
      LockSupport.parkNanos(EVERY.toNanos()); // a pacing interval, not a wait for an event
      synchronized (waiting) {
        sendWaiting();
      }
    }
  }

  /** Called holding the lock, so pieces leave in the order their text came. */
  private void sendWaiting() {
    if (!waiting.isEmpty()) {
      String piece = waiting.toString();
      waiting.setLength(0);
      events.delta(stream, piece);
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(sender);
    try {
      sender.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (waiting) {
      sendWaiting();
    }
  }
}
