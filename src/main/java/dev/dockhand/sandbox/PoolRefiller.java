package dev.dockhand.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WarmPool}'s filler: one virtual thread making one container at a time while the pool has
 * room, so the pool never holds more than its size. While making one fails (the engine away, the
 * image missing) it waits 1 s, doubling to a minute, and says each new problem once. Thread-safe.
 */
final class PoolRefiller {
  private static final Logger log = LoggerFactory.getLogger(PoolRefiller.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration LAST_BACKOFF = Duration.ofMinutes(1);

  /** Makes one more of the pool's containers. */
  interface Fill {
    void fillOne() throws IOException;
  }

  private final int size;
  private final BooleanSupplier open;
  private final IntSupplier idle;
  private final Fill fill;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;

  /**
   * @param open whether the pool still wants containers (not closed, not turned off)
   * @param idle how many it holds now
   */
  PoolRefiller(int size, BooleanSupplier open, IntSupplier idle, Fill fill) {
    this.size = size;
    this.open = open;
    this.idle = idle;
    this.fill = fill;
    this.thread = Thread.ofVirtual().name("warm-pool").start(this::run);
  }

  /** The pool changed: a container was taken, or it closed. */
  void wake() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** After the pool is no longer open: waits for a fill in progress to end. */
  void awaitEnd(Duration limit) {
    wake();
    try {
      thread.join(limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    String lastProblem = "";
    while (awaitRoom()) {
      try {
        fill.fillOne();
        backoff = FIRST_BACKOFF;
        lastProblem = "";
      } catch (IOException | RuntimeException e) {
        String problem = SandboxException.rootMessage(e);
        if (!problem.equals(lastProblem)) {
          log.warn("warm pool: cannot make a container ({}); trying again", problem);
        }
        lastProblem = problem;
        pause(backoff);
        backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff;
      }
    }
  }

  /** Waits until the pool has room for one more; false once it is no longer open. */
  private boolean awaitRoom() {
    lock.lock();
    try {
      while (open.getAsBoolean() && idle.getAsInt() >= size) {
        changed.await();
      }
      return open.getAsBoolean();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void pause(Duration backoff) {
    lock.lock();
    try {
      if (open.getAsBoolean()) {
        changed.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
