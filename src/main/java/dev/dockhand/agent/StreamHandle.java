package dev.dockhand.agent;

import com.anthropic.core.http.StreamResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The model stream in flight, so that cancelling the task closes it at once (the blocked read then
 * fails and the loop sees the cancellation), and a wait that cancelling cuts short. Thread-safe.
 */
final class StreamHandle {
  private StreamResponse<?> current;
  private boolean cancelled;
  private final CountDownLatch cancelSignal = new CountDownLatch(1);

  /** Holds {@code stream} as the one in flight; closes it at once if already cancelled. */
  synchronized void open(StreamResponse<?> stream) {
    current = stream;
    if (cancelled) {
      stream.close();
    }
  }

  synchronized void done() {
    current = null;
  }

  synchronized void cancel() {
    cancelled = true;
    cancelSignal.countDown();
    if (current != null) {
      current.close();
    }
  }

  synchronized boolean cancelled() {
    return cancelled;
  }

  /** Waits up to {@code wait}, returning early (true) if the task is cancelled meanwhile. */
  boolean awaitCancel(Duration wait) {
    try {
      return cancelSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
