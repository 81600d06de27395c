package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventListener;
import dev.dockhand.events.EventPayload;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How attempts end, as a client following a task's events sees them: {@code task.retrying} (the
 * attempt went back to the queue) or a final event, each with the attempt that {@code task.started}
 * last named. Follows tasks on every hub given, so that on SQLite, where a hub hears only its own
 * queue's writes, the ends written through any of the queues arrive. Thread-safe.
 */
public final class AttemptEnds implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** An attempt of {@code taskId} ended and left the task {@code status}. */
  public record End(String taskId, int attempt, TaskStatus status) {}

  private final List<EventHub> hubs;
  private final BlockingQueue<End> ends = new LinkedBlockingQueue<>();
  private final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();

  public AttemptEnds(EventHub... hubs) {
    this.hubs = List.of(hubs);
  }

  /** Follows {@code task} from its first event; returns it. */
  public Task follow(Task task) {
    Follower follower = new Follower(task);
    for (EventHub hub : hubs) {
      subscriptions.add(hub.subscribe(task.id(), 0, follower));
    }
    return task;
  }

  /** The next end of a followed task, in the order they were seen; fails after a minute. */
  public End next() throws InterruptedException {
    End end = ends.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(end).as("an attempt ended in time").isNotNull();
    return end;
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable subscription : subscriptions) {
      subscription.close();
    }
  }

  /** One task's events from every hub, each taken once (every hub's come in seq order). */
  private final class Follower implements EventListener {
    private final String taskId;
    private long seen;
    private int attempt;

    Follower(Task task) {
      this.taskId = task.id();
      this.attempt = task.attempt();
    }

    @Override
    public synchronized void onEvent(Event event) {
      if (event.seq() <= seen) {
        return;
      }
      seen = event.seq();
      TaskStatus left =
          switch (event.payload()) {
            case EventPayload.TaskStarted started -> {
              attempt = started.attempt();
              yield null;
            }
            case EventPayload.TaskRetrying retrying -> TaskStatus.QUEUED;
            case EventPayload.TaskSucceeded succeeded -> TaskStatus.SUCCEEDED;
            case EventPayload.TaskFailed failed -> TaskStatus.FAILED;
            case EventPayload.TaskCancelled cancelled -> TaskStatus.CANCELLED;
            default -> null;
          };
      if (left != null) {
        ends.add(new End(taskId, attempt, left));
      }
    }
  }
}
