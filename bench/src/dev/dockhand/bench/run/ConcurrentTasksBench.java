package dev.dockhand.bench.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.ServerHarness;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 50 tasks at once through the whole product (real containers, real git server, the stand-in
 * model): all must succeed. Reports dispatch latency (submit to container running, i.e. the task's
 * queued + clone + container phases) beside the raw {@code docker run} time plus the clone measured
 * in the same run, the coordinator's peak heap, and tasks per minute.
 *
 * <p>usage: bench/concurrent-tasks.sh [tasks]
 */
public final class ConcurrentTasksBench {
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    String image = System.getenv().getOrDefault("DOCKHAND_WORKER_IMAGE", "dockhand-worker:latest");
    List<Long> dockerRuns = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      dockerRuns.add(dockerRun(image));
    }
    List<Long> concurrentDockerRuns = concurrentDockerRuns(image, count);
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = Thread.ofPlatform().daemon().start(() -> sampleHeap(peakHeap));
    try (ServerHarness harness = new ServerHarness()) {
      harness.git.createRepo("acme/bench", Map.of("README.md", "# Bench\n"));
      int alone = 5;
      // Requests of concurrent tasks interleave: answer each by where its conversation stands.
      harness.model.respondWith(
          request ->
              request.path("messages").toString().contains("tool_result")
                  ? text("All good.")
                  : reply("Checking.", bash("ls /workspace")));
      Map<String, String> environment = new HashMap<>(harness.environment("bench"));
      environment.put("DOCKHAND_MAX_CONCURRENT_TASKS", String.valueOf(count));
      environment.put("DOCKHAND_MAX_TASKS_PER_USER", String.valueOf(count));
      environment.put("DOCKHAND_MAX_ACTIVE_TASKS_PER_USER", String.valueOf(count));
      environment.put("DOCKHAND_SUBMIT_BURST", String.valueOf(count));
      environment.put("DOCKHAND_SANDBOX_MEMORY_MB", "256");
      // Production lease timing: 50 containers starting at once on a small host delay heartbeats.
      environment.put("DOCKHAND_LEASE", "60s");
      environment.put("DOCKHAND_HEARTBEAT", "10s");
      harness.start(environment);
      List<Long> aloneDispatch = new ArrayList<>();
      List<Long> aloneClone = new ArrayList<>();
      for (int i = 0; i < alone; i++) {
        String id = harness.submit("acme/bench", "One at a time, round " + i).path("id").asText();
        JsonNode timings = awaitAll(harness, List.of(id)).get(0).path("timings");
        aloneDispatch.add(dispatch(timings));
        aloneClone.add(timings.path("clone").asLong());
      }
      List<String> ids = new ArrayList<>();
      long started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        ids.add(harness.submit("acme/bench", "Look at the files, round " + i).path("id").asText());
      }
      List<JsonNode> finished = awaitAll(harness, ids);
      double minutes = (System.nanoTime() - started) / 60e9;
      long succeeded =
          finished.stream().filter(t -> t.path("status").asText().equals("succeeded")).count();
      List<Long> dispatch = new ArrayList<>();
      List<Long> clones = new ArrayList<>();
      for (JsonNode task : finished) {
        JsonNode timings = task.path("timings");
        dispatch.add(dispatch(timings));
        clones.add(timings.path("clone").asLong());
      }
      long dockerMedian = median(dockerRuns);
      long cloneMedian = median(clones);
      long dispatchMedian = median(dispatch);
      System.out.printf(Locale.ROOT, "tasks: %d submitted, %d succeeded%n", count, succeeded);
      finished.stream()
          .filter(task -> !task.path("status").asText().equals("succeeded"))
          .forEach(
              task ->
                  System.out.printf(
                      Locale.ROOT,
                      "  %s %s (attempt %d): %s%n",
                      task.path("id").asText(),
                      task.path("status").asText(),
                      task.path("attempt").asInt(),
                      task.path("error")));
      long aloneMedian = median(aloneDispatch);
      System.out.printf(
          Locale.ROOT,
          "one task at a time: dispatch median %d ms, clone median %d ms, overhead over docker run + clone %d ms (target <= 150)%n",
          aloneMedian,
          median(aloneClone),
          aloneMedian - median(dockerRuns) - median(aloneClone));
      System.out.printf(
          Locale.ROOT, "docker run --rm %s true: median %d ms%n", image, dockerMedian);
      long concurrentMedian = median(concurrentDockerRuns);
      System.out.printf(
          Locale.ROOT, "%d x docker run --rm at once: median %d ms%n", count, concurrentMedian);
      System.out.printf(Locale.ROOT, "clone (in the tasks): median %d ms%n", cloneMedian);
      System.out.printf(
          Locale.ROOT,
          "dispatch, submit -> container running: median %d ms, p90 %d ms%n",
          dispatchMedian,
          percentile(dispatch, 0.9));
      System.out.printf(
          Locale.ROOT,
          "%d at once: dispatch overhead over an idle docker run + clone: %d ms (target <= 150)%n",
          count,
          dispatchMedian - dockerMedian - cloneMedian);
      System.out.printf(
          Locale.ROOT,
          "ratio dispatch / (docker run + clone): %.2f%n",
          dispatchMedian / (double) Math.max(1, dockerMedian + cloneMedian));
      System.out.printf(
          Locale.ROOT,
          "ratio dispatch / (%d concurrent docker runs + clone): %.2f%n",
          count,
          dispatchMedian / (double) Math.max(1, concurrentMedian + cloneMedian));
      System.out.printf(
          Locale.ROOT,
          "peak heap of the coordinator JVM: %d MB (target < 512)%n",
          peakHeap.get() >> 20);
      System.out.printf(Locale.ROOT, "throughput: %.1f tasks per minute%n", count / minutes);
      if (succeeded != count) {
        System.exit(1);
      }
    } finally {
      sampler.interrupt();
    }
  }

  /** Submit to container running: the queued, clone and container phases. */
  private static long dispatch(JsonNode timings) {
    return timings.path("queued").asLong()
        + timings.path("clone").asLong()
        + timings.path("container").asLong();
  }

  private static List<JsonNode> awaitAll(ServerHarness harness, List<String> ids)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
    List<JsonNode> done = new ArrayList<>();
    for (String id : ids) {
      while (true) {
        JsonNode task = harness.task(id);
        String status = task.path("status").asText();
        if (status.equals("succeeded") || status.equals("failed") || status.equals("cancelled")) {
          done.add(task);
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("task " + id + " still " + status + " after 15 minutes");
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling a benchmark's progress, not a test's signal
      }
    }
    return done;
  }

  private static void sampleHeap(AtomicLong peak) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    while (!Thread.currentThread().isInterrupted()) {
      peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static long dockerRun(String image) throws Exception {
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder("docker", "run", "--rm", image, "true")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("docker run failed");
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** The same number of containers started at once with the CLI: the load's own baseline. */
  private static List<Long> concurrentDockerRuns(String image, int count) throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Long> times = new CopyOnWriteArrayList<>();
    for (int i = 0; i < count; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      times.add(dockerRun(image));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return times;
  }

  private static long median(List<Long> values) {
    return percentile(values, 0.5);
  }

  private static long percentile(List<Long> values, double share) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(share * sorted.size())));
  }
}
