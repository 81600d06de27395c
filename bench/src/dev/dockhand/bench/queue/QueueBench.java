package dev.dockhand.bench.queue;

import dev.dockhand.queue.AttemptOutcome;
import dev.dockhand.queue.Dispatcher;
import dev.dockhand.queue.QueueFixture;
import dev.dockhand.queue.QueueSettings;
import dev.dockhand.queue.TaskResult;
import dev.dockhand.queue.TaskStatus;
import dev.dockhand.sandbox.TestTrees;
import dev.dockhand.store.Database;
import dev.dockhand.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The queue against its database. Throughput: N tasks through submit, claim and complete by a
 * dispatcher (no-op step, one submitter), beside N plain single-row insert-and-commits on the same
 * database and settings in the same run: both warmed up untimed first, then measured in alternating
 * rounds; the ratio printed is the median of the rounds'. Latency: on an idle node, from submit to
 * the step starting, woken by the submit (the poll is a minute); on PostgreSQL also with the submit
 * made on another node.
 */
public final class QueueBench {
  private static final int ROUNDS = 5;

  private QueueBench() {}

  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "all";
    int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
    int samples = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    if (which.equals("all") || which.equals("sqlite")) {
      Path dir = Files.createTempDirectory("dockhand-bench");
      try {
        run("sqlite", () -> TestDatabases.sqliteUrl(dir), dir, tasks, samples);
      } finally {
        TestTrees.delete(dir);
      }
    }
    if (which.equals("all") || which.equals("postgresql")) {
      Path dir = Files.createTempDirectory("dockhand-bench");
      try {
        run("postgresql", TestDatabases::freshPostgresUrl, dir, tasks, samples);
      } finally {
        TestTrees.delete(dir);
      }
    }
  }

  interface Url {
    String get();
  }

  private static void run(String name, Url urls, Path dir, int tasks, int samples)
      throws Exception {
    QueueSettings settings =
        new QueueSettings(
            16,
            1000,
            3,
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            20_000,
            64L << 20);
    String url = urls.get();
    try (QueueFixture node = new QueueFixture(url, dir, settings, Clock.systemUTC())) {
      long user = node.user("bench");
      // Both sides run once untimed first, so the figures are of warm code, not of the JIT. Then
      // they take turns, so a slow spell of the machine falls on both rather than on one.
      baseline(node.database, "warm", tasks / 2);
      throughput(node, settings, user, tasks / 2);
      int perRound = tasks / ROUNDS;
      double[] ratios = new double[ROUNDS];
      double baselineSeconds = 0;
      double queueSeconds = 0;
      long cpu = 0;
      for (int round = 0; round < ROUNDS; round++) {
        double baseline = perRound / baseline(node.database, "row" + round, perRound);
        long cpuBefore = processCpuNanos();
        double queue = perRound / throughput(node, settings, user, perRound);
        cpu += processCpuNanos() - cpuBefore;
        ratios[round] = baseline / queue;
        baselineSeconds += baseline;
        queueSeconds += queue;
      }
      java.util.Arrays.sort(ratios);
      int done = perRound * ROUNDS;
      System.out.printf(
          "queue %s: %d tasks submit->claim->complete %.0f tasks/s (process CPU %.2f ms per"
              + " task); baseline insert+commit %.0f rows/s; ratio %.2f (median of %d alternating"
              + " rounds, %.2f-%.2f; target >= 0.2)%n",
          name,
          done,
          done / queueSeconds,
          cpu / 1e6 / done,
          done / baselineSeconds,
          ratios[ROUNDS / 2],
          ROUNDS,
          ratios[0],
          ratios[ROUNDS - 1]);
      print(name + " in-process", latency(node, node, settings, user, samples));
      if (node.database.postgres()) {
        try (QueueFixture other = new QueueFixture(url, dir, settings, Clock.systemUTC())) {
          print(name + " across nodes (NOTIFY)", latency(node, other, settings, user, samples));
        }
      }
    }
  }

  private static double baseline(Database database, String prefix, int rows) {
    database.write(
        handle -> {
          handle.execute(
              "CREATE TABLE IF NOT EXISTS bench_baseline(id TEXT PRIMARY KEY, body TEXT NOT NULL)");
          return null;
        });
    long start = System.nanoTime();
    for (int i = 0; i < rows; i++) {
      String id = prefix + "-" + i;
      database.write(
          handle ->
              handle.execute("INSERT INTO bench_baseline(id, body) VALUES (?, ?)", id, "payload"));
    }
    return rows / seconds(start);
  }

  private static double throughput(QueueFixture node, QueueSettings settings, long user, int tasks)
      throws Exception {
    CountDownLatch done = new CountDownLatch(tasks);
    Dispatcher dispatcher =
        new Dispatcher(
            node.queue,
            context -> new AttemptOutcome.Succeeded(TaskResult.NOTHING),
            settings,
            "bench",
            node.clock);
    // The owner's status topic, as the web app's task list sees it.
    AutoCloseable ends =
        node.queue
            .taskHub()
            .subscribe(
                user,
                task -> {
                  if (task.status() == TaskStatus.SUCCEEDED) {
                    done.countDown();
                  }
                });
    dispatcher.start();
    long start = System.nanoTime();
    for (int i = 0; i < tasks; i++) {
      node.submit(user, "bench " + i);
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("tasks did not finish");
    }
    double rate = tasks / seconds(start);
    dispatcher.shutdown();
    ends.close();
    return rate;
  }

  /** Milliseconds from submit to the step starting, one task at a time on an idle node. */
  private static long[] latency(
      QueueFixture runner, QueueFixture submitter, QueueSettings settings, long user, int samples)
      throws Exception {
    java.util.concurrent.BlockingQueue<Long> startedAt =
        new java.util.concurrent.LinkedBlockingQueue<>();
    CountDownLatch[] finished = new CountDownLatch[1];
    Dispatcher dispatcher =
        new Dispatcher(
            runner.queue,
            context -> {
              startedAt.add(System.nanoTime());
              return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
            },
            settings,
            "latency",
            runner.clock);
    AutoCloseable ends =
        runner
            .queue
            .taskHub()
            .subscribe(
                user,
                task -> {
                  if (task.status().terminal()) {
                    finished[0].countDown();
                  }
                });
    dispatcher.start();
    long[] micros = new long[samples];
    for (int i = 0; i < samples + 10; i++) {
      finished[0] = new CountDownLatch(1);
      long submitted = System.nanoTime();
      submitter.submit(user, "latency " + i);
      Long started = startedAt.poll(30, TimeUnit.SECONDS);
      if (started == null) {
        throw new IllegalStateException("a submit did not wake the dispatcher");
      }
      finished[0].await(30, TimeUnit.SECONDS);
      if (i >= 10) { // the first few warm the JIT
        micros[i - 10] = (started - submitted) / 1000;
      }
    }
    dispatcher.shutdown();
    ends.close();
    java.util.Arrays.sort(micros);
    return micros;
  }

  private static void print(String what, long[] sortedMicros) {
    System.out.printf(
        "submit-to-claim latency %s: p50 %.1f ms, p99 %.1f ms over %d submits (target p99 < 50"
            + " ms)%n",
        what,
        percentile(sortedMicros, 0.50) / 1000.0,
        percentile(sortedMicros, 0.99) / 1000.0,
        sortedMicros.length);
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
