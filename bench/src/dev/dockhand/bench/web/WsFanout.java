package dev.dockhand.bench.web;

import dev.dockhand.Json;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * WebSocket fan-out: {@code subscribers} clients follow one task while events are appended at
 * {@code rate} per second for {@code seconds}; reports delivery latency (append call to client
 * receipt) and throughput, beside a bare Jetty broadcast of the same messages to the same clients
 * in the same run. Args: [subscribers] [rate] [seconds].
 */
public final class WsFanout {
  private WsFanout() {}

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int messages = rate * seconds;
    System.out.printf(
        "ws-fanout: %d subscribers, %d events/s for %d s (%d deliveries per run)%n",
        subscribers, rate, seconds, (long) subscribers * messages);

    Result bare;
    try (BareJettyBroadcast server = new BareJettyBroadcast();
        FanoutClients clients = new FanoutClients()) {
      clients.connect(server.url(), subscribers, messages + 10, builder -> {}, socket -> {});
      while (server.sessions() < subscribers) {
        Thread.sleep(10);
      }
      warmUp(clients, server::broadcast);
      String taskId = "bare-task";
      bare =
          run(clients, subscribers, rate, messages, (n) -> server.broadcast(frame(taskId, n, n)));
    }
    Result dockhand;
    // Every subscriber is one person on one address: lift the per-person and per-address caps.
    String streams = Integer.toString(subscribers);
    Map<String, String> env =
        Map.of(
            "DOCKHAND_MAX_STREAMS_PER_USER", streams, "DOCKHAND_MAX_STREAMS_PER_ADDRESS", streams);
    try (WebHarness harness = WebHarness.start(env, WebLimits.DEFAULTS);
        FanoutClients clients = new FanoutClients()) {
      WebHarness.Person person = harness.person("bench");
      Task task = harness.submit(person);
      long after = harness.log().page(task.id(), 0, 1000).getLast().seq();
      clients.connect(
          harness.wsUrl(),
          subscribers,
          messages + 10,
          builder -> builder.header("Authorization", "Bearer " + person.token()),
          socket ->
              socket.sendText(
                  "{\"type\":\"subscribe\",\"taskId\":\""
                      + task.id()
                      + "\",\"after\":"
                      + after
                      + "}",
                  true));
      clients.expectMarker("warm-0");
      harness.append(task.id(), new EventPayload.ToolCall("warm-0", "bash", null));
      if (!clients.awaitMarker(60)) {
        throw new IllegalStateException("subscribers did not all receive the first event");
      }
      dockhand =
          run(
              clients,
              subscribers,
              rate,
              messages,
              n ->
                  harness.append(
                      task.id(),
                      new EventPayload.ToolCall(
                          "n" + n,
                          "bash",
                          Json.MAPPER.createObjectNode().put("t", System.nanoTime()))));
    }
    bare.print("bare Jetty broadcast", rate, seconds);
    dockhand.print("dockhand /api/v1/ws", rate, seconds);
    System.out.printf(
        Locale.ROOT,
        "ratio dockhand/bare: p50 %.2fx, p99 %.2fx, throughput %.2fx%n",
        ratio(dockhand.p50, bare.p50),
        ratio(dockhand.p99, bare.p99),
        dockhand.throughput / bare.throughput);
    System.out.printf(
        Locale.ROOT,
        "targets: p99 < 50 ms: %s; p99 <= 1.5x bare: %s%s%n",
        dockhand.p99 < 50_000 ? "met" : "MISSED",
        ratio(dockhand.p99, bare.p99) <= 1.5 ? "met" : "MISSED",
        dockhand.publishSeconds > seconds * 1.1
            ? " (at the rate reached, not the rate asked)"
            : "");
  }

  private static double ratio(long ours, long theirs) {
    return (double) Math.max(ours, 1) / Math.max(theirs, 1);
  }

  /** The same shape and size as Dockhand's event frame. */
  static String frame(String taskId, long seq, long n) {
    return "{\"type\":\"event\",\"taskId\":\""
        + taskId
        + "\",\"seq\":"
        + seq
        + ",\"kind\":\"tool.call\",\"data\":{\"n\":"
        + n
        + ",\"t\":"
        + System.nanoTime()
        + "},\"at\":\""
        + Instant.now()
        + "\"}";
  }

  private static void warmUp(FanoutClients clients, java.util.function.Consumer<String> send)
      throws InterruptedException {
    clients.expectMarker("warm-0");
    send.accept("{\"type\":\"event\",\"data\":{\"id\":\"warm-0\"}}");
    if (!clients.awaitMarker(60)) {
      throw new IllegalStateException("subscribers did not all receive the warm-up message");
    }
  }

  private static Result run(
      FanoutClients clients, int subscribers, int rate, int messages, LongConsumer publish)
      throws InterruptedException {
    clients.reset();
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (int n = 0; n < messages; n++) {
      long due = start + n * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      publish.accept(n);
    }
    long published = System.nanoTime();
    long expected = (long) subscribers * messages;
    long deadline = published + 30_000_000_000L;
    while (clients.delivered() < expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long[] latencies = clients.latenciesMicros();
    double elapsed = (Math.max(clients.lastArrivalNanos(), published) - start) / 1e9;
    return new Result(
        latencies.length,
        expected,
        percentile(latencies, 0.50),
        percentile(latencies, 0.99),
        latencies.length == 0 ? 0 : latencies[latencies.length - 1],
        latencies.length / elapsed,
        (published - start) / 1e9);
  }

  private static long percentile(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.round(quantile * (sorted.length - 1)))];
  }

  private record Result(
      long delivered,
      long expected,
      long p50,
      long p99,
      long max,
      double throughput,
      double publishSeconds) {
    void print(String name, int rate, int seconds) {
      System.out.printf(
          Locale.ROOT,
          "%-22s delivered %d/%d, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %.0f msgs/s"
              + " (publishing took %.2f s)%n",
          name,
          delivered,
          expected,
          p50 / 1000.0,
          p99 / 1000.0,
          max / 1000.0,
          throughput,
          publishSeconds);
      // Each publish returns once its fan-out is handed to every connection, so a machine that
      // cannot carry the load slows the publisher down: the latencies above are then those of the
      // rate reached, measured from each actual publish, and the run says so.
      double reached = rate * (double) seconds / publishSeconds;
      if (publishSeconds > seconds * 1.1) {
        System.out.printf(
            Locale.ROOT,
            "%-22s SATURATED: events went out at %.0f/s of the %d/s asked%n",
            "",
            reached,
            rate);
      }
    }
  }
}
