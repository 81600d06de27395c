package dev.dockhand.push;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a person's devices when one of their tasks ends (succeeded, failed, cancelled) or opens a
 * pull request. Fed by the event hub after commit on the node that stored the event; the sends run
 * off that thread, at most {@link #SENDING} at once and {@link #MAX_PENDING} waiting (beyond that a
 * notification is dropped, with a warning, rather than held in memory). A subscription the push
 * service calls gone is forgotten; one that failed for a passing reason is tried {@link #RETRIES}
 * more times. Subscriptions made for another VAPID key are skipped (another node's, or before the
 * keys changed). Thread-safe.
 */
final class PushNotifier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushNotifier.class);
  static final int SENDING = 8;
  static final int MAX_PENDING = 1000;
  static final int RETRIES = 2;

  private final TaskQueue queue;
  private final PushSubscriptions subscriptions;
  private final PushSender sender;
  private final String serverKey;
  private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("dockhand-push-retry").factory());
  private final Semaphore sending = new Semaphore(SENDING);
  private final AtomicInteger pending = new AtomicInteger();

  PushNotifier(
      TaskQueue queue, PushSubscriptions subscriptions, PushSender sender, String serverKey) {
    this.queue = queue;
    this.subscriptions = subscriptions;
    this.sender = sender;
    this.serverKey = serverKey;
  }

  /** The event hub's observer: quick, never throws. */
  void onEvent(Event event) {
    if (!event.kind().terminal() && event.kind() != dev.dockhand.events.EventKind.PR_OPENED) {
      return;
    }
    submit(() -> notify(event));
  }

  private void notify(Event event) {
    Optional<Task> task = queue.get(event.taskId());
    if (task.isEmpty()) {
      return;
    }
    Optional<String> reason =
        event.payload() instanceof EventPayload.Finished finished
            ? Optional.ofNullable(finished.reason())
            : Optional.empty();
    PushMessage.of(event.kind(), task.get(), reason)
        .ifPresent(
            message -> {
              for (Subscription subscription : subscriptions.of(task.get().userId())) {
                if (!subscription.serverKey().equals(serverKey)) {
                  log.warn(
                      "push subscription {} was made for another VAPID key; give every node the"
                          + " same DOCKHAND_VAPID_PUBLIC_KEY and DOCKHAND_VAPID_PRIVATE_KEY",
                      subscription.id());
                  continue;
                }
                submit(() -> deliver(subscription, message, 0));
              }
            });
  }

  private void deliver(Subscription subscription, PushMessage message, int attempt) {
    PushSender.Outcome outcome = sender.send(subscription, message.json(), message.topic());
    switch (outcome) {
      case PushSender.Outcome.Delivered delivered -> subscriptions.delivered(subscription);
      case PushSender.Outcome.Gone gone -> {
        log.info(
            "push subscription {} is gone (the push service answered {}); forgotten",
            subscription.id(),
            gone.status());
        subscriptions.drop(subscription);
      }
      case PushSender.Outcome.Failed failed -> {
        if (failed.retryAfter().isPresent() && attempt < RETRIES) {
          Duration delay = failed.retryAfter().get();
          retries.schedule(
              () -> submit(() -> deliver(subscription, message, attempt + 1)),
              delay.toMillis(),
              TimeUnit.MILLISECONDS);
        } else {
          log.warn(
              "push to subscription {} of {} not delivered: {}",
              subscription.id(),
              subscription.endpoint().getHost(),
              failed.reason());
        }
      }
    }
  }

  private void submit(Runnable work) {
    if (pending.incrementAndGet() > MAX_PENDING) {
      pending.decrementAndGet();
      log.warn("push notifications are backing up; one was dropped");
      return;
    }
    try {
      sends.execute(
          () -> {
            try {
              sending.acquire();
              try {
                work.run();
              } finally {
                sending.release();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
              log.warn("push notification failed", e);
            } finally {
              pending.decrementAndGet();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      pending.decrementAndGet();
    }
  }

  @Override
  public void close() {
    retries.shutdownNow();
    sends.shutdown();
    try {
      if (!sends.awaitTermination(5, TimeUnit.SECONDS)) {
        sends.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sends.shutdownNow();
    }
  }
}
