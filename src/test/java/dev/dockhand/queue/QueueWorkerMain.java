package dev.dockhand.queue;

import dev.dockhand.events.EventPayload;
import dev.dockhand.store.DbClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A separate node for crash tests: claims tasks, records one event each, prints {@code started <id>
 * <attempt>}, then works until cancelled. SIGTERM runs {@link Dispatcher#shutdown()}. Arguments:
 * JDBC URL, data directory, node id.
 */
public final class QueueWorkerMain {
  /** The settings the worker runs with; tests reclaim its tasks knowing them. */
  public static final QueueSettings SETTINGS =
      new QueueSettings(
          4,
          10,
          3,
          Duration.ofSeconds(30),
          Duration.ofSeconds(1),
          Duration.ofMillis(200),
          Duration.ofSeconds(10),
          Duration.ofMinutes(2),
          20_000,
          64L << 20);

  private QueueWorkerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Clock clock = Clock.systemUTC();
    // A real node: its leases run on the database's clock.
    QueueFixture node = new QueueFixture(args[0], Path.of(args[1]), SETTINGS, clock, DbClock::of);
    TaskStep step =
        context -> {
          context.events().append(new EventPayload.ToolCall("t", "bash", null));
          CountDownLatch stopped = new CountDownLatch(1);
          context.onCancel(stopped::countDown);
          System.out.println("started " + context.task().id() + " " + context.task().attempt());
          System.out.flush();
          stopped.await();
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        };
    Dispatcher dispatcher = new Dispatcher(node.queue, step, SETTINGS, args[2], clock);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dispatcher.shutdown();
                  node.close();
                  System.out.println("stopped");
                  System.out.flush();
                }));
    dispatcher.start();
    // The dispatcher's threads are daemons: keep the JVM up until a signal ends it.
    new CountDownLatch(1).await();
  }
}
