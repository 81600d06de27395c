package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlowClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aStalledClientIsDroppedWith1013WhileAnotherKeepsReceivingEverything() throws Exception {
    // A small outbound queue, so a stalled reader overflows it quickly.
    Map<String, String> small =
        Map.of(WebLimits.OUTBOUND_MAX_FRAMES, "64", WebLimits.OUTBOUND_MAX_KB, "256");
    try (WebHarness harness = WebHarness.start(small, WebLimits.DEFAULTS)) {
      WebHarness.Person alice = harness.person("alice");
      Task task = harness.submit(alice);
      try (WsClient stalled = WsClient.connect(harness, false, bearer(alice));
          WsClient healthy = WsClient.bearer(harness, alice.token())) {
        stalled.socket().request(1);
        stalled.send("{\"type\":\"ping\"}");
        healthy.subscribe(task.id(), 0);
        stalled.subscribe(task.id(), 0);
        healthy.send("{\"type\":\"ping\"}");
        healthy.until(frame -> frame.get("type").asText().equals("pong"), WAIT);
        String padding = "x".repeat(32 * 1024);
        long lastSeq = 0;
        // Far more than loopback socket buffers hold, so the stalled client's backlog must grow.
        for (int i = 0; i < 600 && slowClientsDropped(harness) == 0; i++) {
          lastSeq =
              harness.append(task.id(), new EventPayload.ToolResult("t", padding, false, 1)).seq();
          long expected = lastSeq;
          healthy.until(frame -> frame.path("seq").asLong() == expected, WAIT);
        }
        assertThat(slowClientsDropped(harness)).isEqualTo(1.0);
        long afterDrop =
            harness
                .append(task.id(), new EventPayload.ToolResult("t", "still here", false, 1))
                .seq();
        List<JsonNode> tail = healthy.until(frame -> frame.path("seq").asLong() == afterDrop, WAIT);
        assertThat(tail.getLast().get("data").get("output").asText()).isEqualTo("still here");
        stalled.resumeReading();
        assertThat(stalled.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(Outbox.TOO_SLOW);
      }
    }
  }

  private static WsClient.Customizer bearer(WebHarness.Person person) {
    return builder -> builder.header("Authorization", "Bearer " + person.token());
  }

  /** The count an operator's Prometheus scrapes. */
  private static double slowClientsDropped(WebHarness harness) {
    String name = "dockhand_clients_dropped_slow_total ";
    return harness
        .metrics()
        .scrape()
        .lines()
        .filter(line -> line.startsWith(name))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length())))
        .findFirst()
        .orElseThrow();
  }
}
