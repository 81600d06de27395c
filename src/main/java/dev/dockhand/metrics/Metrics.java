package dev.dockhand.metrics;

import dev.dockhand.events.Usage;
import dev.dockhand.queue.TaskStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dockhand's Prometheus metrics. The pipeline feeds what only it knows (running sandboxes, model
 * usage); the web part records connections, events sent and HTTP latencies; task counts are read
 * from the store once per scrape. Its own package, so the pipeline records without depending on the
 * web layer. Thread-safe.
 */
public final class Metrics {
  private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

  private final PrometheusMeterRegistry registry;
  private final AtomicInteger runningSandboxes = new AtomicInteger();
  private final AtomicInteger wsConnections = new AtomicInteger();
  private final Counter wsEventsSent;
  private final Counter sseEventsSent;
  private final Counter slowClientsDropped;
  private final Counter cost;
  private final Map<String, Counter> tokens;
  private volatile Map<TaskStatus, Long> taskCounts = Map.of();
  private volatile Supplier<Map<TaskStatus, Long>> taskCountSource = Map::of;

  public Metrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // The coordinator's heap is bounded whatever a task does; operators should be able to see it.
    new JvmMemoryMetrics().bindTo(registry);
    Gauge.builder("dockhand.sandboxes.running", runningSandboxes, AtomicInteger::get)
        .description("task containers running on this node")
        .register(registry);
    Gauge.builder("dockhand.ws.connections", wsConnections, AtomicInteger::get)
        .description("open WebSocket connections")
        .register(registry);
    Gauge.builder(
            "dockhand.queue.depth", this, m -> m.taskCounts.getOrDefault(TaskStatus.QUEUED, 0L))
        .description("tasks waiting to run")
        .register(registry);
    for (TaskStatus status : TaskStatus.values()) {
      Gauge.builder("dockhand.tasks", this, m -> m.taskCounts.getOrDefault(status, 0L))
          .description("tasks by status")
          .tag("status", status.wire())
          .register(registry);
    }
    wsEventsSent = eventsSent("ws");
    sseEventsSent = eventsSent("sse");
    slowClientsDropped =
        Counter.builder("dockhand.clients.dropped.slow")
            .description("realtime clients disconnected because they could not keep up")
            .register(registry);
    cost =
        Counter.builder("dockhand.model.cost.usd")
            .description("model spend at the configured prices")
            .register(registry);
    tokens = new HashMap<>();
    for (String type : new String[] {"input", "output", "cache_read", "cache_write"}) {
      tokens.put(
          type,
          Counter.builder("dockhand.model.tokens")
              .description("model tokens by type")
              .tag("type", type)
              .register(registry));
    }
  }

  private Counter eventsSent(String transport) {
    return Counter.builder("dockhand.events.sent")
        .description("task events and deltas sent to realtime clients")
        .tag("transport", transport)
        .register(registry);
  }

  /** Containers currently running tasks on this node (fed by the coordinator). */
  public void runningSandboxes(int count) {
    runningSandboxes.set(count);
  }

  /** A task's container came from the warm pool (a hit) or was made fresh while it was on. */
  public void warmPoolHandOver(boolean fromPool) {
    Counter.builder("dockhand.warm_pool.handovers")
        .description("task containers taken from the warm pool (hit) or made fresh (miss)")
        .tag("outcome", fromPool ? "hit" : "miss")
        .register(registry)
        .increment();
  }

  /** Reads the warm pool's waiting containers at each scrape. */
  public void warmPoolIdle(IntSupplier idle) {
    Gauge.builder("dockhand.warm_pool.idle", idle, IntSupplier::getAsInt)
        .description("started task containers waiting in the warm pool")
        .strongReference(true) // A method reference nothing else holds on to.
        .register(registry);
  }

  /** Adds one model call's usage (a delta, not a running total). */
  public void modelUsage(Usage delta) {
    tokens.get("input").increment(delta.inputTokens());
    tokens.get("output").increment(delta.outputTokens());
    tokens.get("cache_read").increment(delta.cacheReadTokens());
    tokens.get("cache_write").increment(delta.cacheWriteTokens());
    cost.increment(delta.costUsd());
  }

  public void taskCountSource(Supplier<Map<TaskStatus, Long>> source) {
    this.taskCountSource = source;
  }

  public void wsOpened() {
    wsConnections.incrementAndGet();
  }

  public void wsClosed() {
    wsConnections.decrementAndGet();
  }

  public void wsSent() {
    wsEventsSent.increment();
  }

  public void sseSent() {
    sseEventsSent.increment();
  }

  public void slowClientDropped() {
    slowClientsDropped.increment();
  }

  public void httpRequest(String method, String route, int status, Duration took) {
    Timer.builder("dockhand.http.requests")
        .description("HTTP request latency by route")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .publishPercentileHistogram(false)
        .register(registry)
        .record(took);
  }

  /** The Prometheus text exposition, with task counts read fresh. */
  public String scrape() {
    try {
      Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
      counts.putAll(taskCountSource.get());
      taskCounts = counts;
    } catch (RuntimeException e) {
      LOG.warn("task counts unavailable for metrics: {}", e.toString());
    }
    return registry.scrape();
  }
}
