package dev.dockhand.githubapp;

import dev.dockhand.DockhandException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background side of the webhook: one virtual thread per node that claims stored deliveries and
 * handles them one at a time, and reports ended tasks on GitHub. Woken by a new delivery or a
 * task's change, and every {@link #POLL} anyway, so deliveries stored by another node, or left by a
 * crash, are handled too. A delivery that fails in a way worth repeating (GitHub or the database
 * not answering) is tried again later, up to {@link #MAX_ATTEMPTS} times; any other failure ends
 * it, logged. Thread-safe.
 */
final class DeliveryWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
  static final Duration POLL = Duration.ofSeconds(5);
  static final int MAX_ATTEMPTS = 8;
  static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  static final Duration MAX_RETRY = Duration.ofMinutes(10);
  static final Duration KEEP_HANDLED = Duration.ofDays(7);

  private final Deliveries deliveries;
  private final Function<Delivery, String> handler;
  private final Runnable report;
  private final String node;
  private final Semaphore wake = new Semaphore(0);
  private final AtomicBoolean reportWanted = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;

  DeliveryWorker(
      Deliveries deliveries, Function<Delivery, String> handler, Runnable report, String node) {
    this.deliveries = deliveries;
    this.handler = handler;
    this.report = report;
    this.node = node;
    this.thread = Thread.ofVirtual().name("github-deliveries").unstarted(this::loop);
  }

  void start() {
    deliveries.prune(KEEP_HANDLED);
    thread.start();
  }

  /** A delivery was stored. */
  void wake() {
    wake.release();
  }

  /** A task changed: a request waiting for its end may be reported. */
  void taskChanged() {
    reportWanted.set(true);
    wake.release();
  }

  private void loop() {
    while (!closed.get()) {
      try {
        if (reportWanted.getAndSet(false)) {
          report.run();
        }
        Optional<Delivery> next = deliveries.claim(node);
        if (next.isPresent()) {
          handle(next.get());
          continue;
        }
        if (!wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          reportWanted.set(true);
        }
        wake.drainPermits();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("the GitHub delivery worker stumbled: {}", e.toString());
        pause();
      }
    }
  }

  private void handle(Delivery delivery) {
    try {
      String outcome = handler.apply(delivery);
      deliveries.done(delivery.id(), outcome);
      log.info("GitHub delivery {} ({}): {}", delivery.id(), delivery.event(), outcome);
    } catch (DockhandException e) {
      if (e.retryable() && delivery.attempts() < MAX_ATTEMPTS) {
        Duration wait = backoff(delivery.attempts());
        log.warn(
            "GitHub delivery {} ({}) will be tried again in {}s: {}",
            delivery.id(),
            delivery.event(),
            wait.toSeconds(),
            e.getMessage());
        deliveries.retryAfter(delivery.id(), wait, e.getMessage());
      } else {
        giveUp(delivery, e.getMessage());
      }
    } catch (RuntimeException e) {
      log.warn("GitHub delivery {} ({}) failed", delivery.id(), delivery.event(), e);
      giveUp(delivery, e.getClass().getSimpleName());
    }
  }

  private void giveUp(Delivery delivery, String why) {
    log.warn("GitHub delivery {} ({}) given up: {}", delivery.id(), delivery.event(), why);
    deliveries.done(delivery.id(), "failed: " + why);
  }

  static Duration backoff(int attempts) {
    long seconds = FIRST_RETRY.toSeconds() << Math.min(Math.max(attempts - 1, 0), 10);
    return Duration.ofSeconds(Math.min(seconds, MAX_RETRY.toSeconds()));
  }

  private void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed.set(true);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      thread.interrupt();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
