package dev.dockhand.bench.env;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warm start, through the whole product (real containers, the real egress proxy, a real npm
 * registry on loopback, the stand-in model): a repository whose setup installs an npm dependency
 * tree, cold (setup runs) against cached (the environment is restored); submit to the first model
 * request on an idle node; submit to the container being ready with and without the warm pool.
 *
 * <p>usage: bench/warm-start.sh [packages] — needs VERDACCIO (the verdaccio binary).
 */
public final class WarmStartBench {
  private static final Duration WAIT = Duration.ofMinutes(10);

  public static void main(String[] args) throws Exception {
    int packages = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    Path verdaccio = Path.of(System.getenv("VERDACCIO"));
    try (LocalNpmRegistry registry = LocalNpmRegistry.start(verdaccio);
        ServerHarness harness = new ServerHarness()) {
      long published = System.nanoTime();
      Map<String, String> top = NpmTree.publish(registry, packages);
      System.out.printf(
          Locale.ROOT,
          "published %d packages to verdaccio at %s in %.1f s%n",
          packages,
          registry.url(),
          (System.nanoTime() - published) / 1e9);
      harness.git.createRepo("acme/app", NpmTree.repository(top));
      harness.git.createRepo("acme/plain", Map.of("README.md", "# Plain\n"));
      Map<String, Instant> firstRequest = new ConcurrentHashMap<>();
      harness.model.respondWith(
          request -> {
            String prompt = request.path("messages").path(0).toString();
            firstRequest.putIfAbsent(marker(prompt), Instant.now());
            return request.path("messages").toString().contains("tool_result")
                ? text("Done.")
                : tools(bash("ls node_modules | wc -l"));
          });

      Map<String, String> environment = new HashMap<>(harness.environment("bench"));
      environment.put("DOCKHAND_EGRESS_ALLOW", LocalNpmRegistry.ADDRESS + ":" + registry.port());
      environment.put("DOCKHAND_WARM_POOL", "0");
      environment.put("DOCKHAND_LEASE", "60s");
      environment.put("DOCKHAND_HEARTBEAT", "10s");
      harness.start(environment);
      harness.call(
          "PUT",
          "/repos/acme/app/environment",
          Map.of(
              "setup",
              "npm install --no-audit --no-fund --loglevel=error --registry=" + registry.url()));

      List<Long> cold = new ArrayList<>();
      List<Long> cached = new ArrayList<>();
      List<Long> firstRequests = new ArrayList<>();
      // 0 packages: only the container-ready figures, for a quick look at the warm pool.
      for (int round = 0; round < (packages > 0 ? 3 : 0); round++) {
        harness.call("POST", "/repos/acme/app/environment/rebuild", null);
        Run run = run(harness, "acme/app", "cold " + round, firstRequest);
        cold.add(run.firstToolMs());
        System.out.printf(
            Locale.ROOT, "cold run %d: first tool call after %d ms%n", round, run.firstToolMs());
        for (int again = 0; again < 3; again++) {
          Run warm = run(harness, "acme/app", "cached " + round + "." + again, firstRequest);
          cached.add(warm.firstToolMs());
          firstRequests.add(warm.firstRequestMs());
        }
      }
      List<Long> readyWithout = new ArrayList<>();
      List<Long> firstCommandWithout = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Run plain = run(harness, "acme/plain", "no pool " + i, firstRequest);
        readyWithout.add(plain.readyMs());
        firstCommandWithout.add(plain.firstToolMs());
      }
      harness.node().close();
      Map<String, String> pooled = new HashMap<>(harness.environment("pooled"));
      pooled.putAll(environment);
      pooled.put("DOCKHAND_DATA_DIR", harness.dataDir("pooled").toString());
      pooled.put("DOCKHAND_NODE_ID", harness.environment("pooled").get("DOCKHAND_NODE_ID"));
      pooled.put("DOCKHAND_WARM_POOL", "2");
      harness.start(pooled);
      List<Long> readyWith = new ArrayList<>();
      List<Long> firstCommandWith = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Thread.sleep(1500); // an idle node: the pool refills between tasks, as it would
        Run pooledRun = run(harness, "acme/plain", "pool " + i, firstRequest);
        readyWith.add(pooledRun.readyMs());
        firstCommandWith.add(pooledRun.firstToolMs());
      }

      System.out.printf(
          Locale.ROOT,
          "submit -> first command done (no setup): with the pool p50 %d ms, without %d ms%n",
          median(firstCommandWith),
          median(firstCommandWithout));
      if (packages == 0) {
        System.out.printf(
            Locale.ROOT,
            "submit -> container ready: with the pool p50 %d ms %s, without %d ms %s%n",
            median(readyWith),
            readyWith,
            median(readyWithout),
            readyWithout);
        return;
      }
      long coldP50 = median(cold);
      long cachedP50 = median(cached);
      System.out.printf(
          Locale.ROOT,
          "submit -> first tool call executed: cold p50 %d ms %s, cached p50 %d ms %s;"
              + " cached/cold %.3f (goal <= 0.15, cached <= 2000 ms)%n",
          coldP50,
          cold,
          cachedP50,
          cached,
          cachedP50 / (double) coldP50);
      System.out.printf(
          Locale.ROOT,
          "submit -> first model request sent: p50 %d ms %s (goal <= 300 ms)%n",
          median(firstRequests),
          firstRequests);
      System.out.printf(
          Locale.ROOT,
          "submit -> container ready: with the pool p50 %d ms, without %d ms; ratio %.3f"
              + " (goal <= 250 ms with the pool)%n",
          median(readyWith),
          median(readyWithout),
          median(readyWith) / (double) median(readyWithout));
    }
  }

  /** What one task showed: times from its submit. */
  /**
   * @param readyMs submit to the container handed over, ready for commands: the task's queued,
   *     clone, restore and container phases, which run one after another
   */
  private record Run(long firstToolMs, long firstRequestMs, long readyMs) {}

  private static Run run(
      ServerHarness harness, String repo, String name, Map<String, Instant> firstRequest)
      throws InterruptedException {
    Instant submitted = Instant.now();
    String id = harness.submit(repo, "[" + name + "] count the packages").path("id").asText();
    JsonNode task = awaitEnd(harness, id);
    if (!task.path("status").asText().equals("succeeded")) {
      throw new IllegalStateException(name + " ended " + task);
    }
    System.out.printf(Locale.ROOT, "  %s: phases %s%n", name, task.path("timings"));
    JsonNode result = firstToolResult(harness, id);
    Instant executed = Instant.parse(result.path("at").asText());
    JsonNode phases = task.path("timings");
    long ready = 0;
    for (String phase : List.of("queued", "clone", "restore", "container")) {
      ready += phases.path(phase).asLong();
    }
    return new Run(
        Duration.between(submitted, executed).toMillis(),
        Duration.between(submitted, firstRequest.get(name)).toMillis(),
        ready);
  }

  private static JsonNode awaitEnd(ServerHarness harness, String id) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode task = harness.task(id);
      String status = task.path("status").asText();
      if (!status.equals("queued") && !status.equals("running")) {
        return task;
      }
      Thread.sleep(50); // a poll with a deadline
    }
    throw new IllegalStateException("task " + id + " did not end");
  }

  private static JsonNode firstToolResult(ServerHarness harness, String id) {
    for (JsonNode event :
        harness.call("GET", "/tasks/" + id + "/events?limit=500", null).json().path("items")) {
      if (event.path("kind").asText().equals("tool.result")) {
        return event;
      }
    }
    throw new IllegalStateException("task " + id + " ran no tool");
  }

  private static final java.util.regex.Pattern MARKER =
      java.util.regex.Pattern.compile("\\[([a-z][a-z .0-9]*)\\]");

  /** The run's name, which its prompt carries in brackets. */
  private static String marker(String prompt) {
    java.util.regex.Matcher found = MARKER.matcher(prompt);
    return found.find() ? found.group(1) : "";
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private WarmStartBench() {}
}
