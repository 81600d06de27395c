package dev.dockhand.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.LongTaskScript;
import dev.dockhand.testkit.PromptCacheSimulator;
import dev.dockhand.testkit.ServerHarness;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A long task seen from outside, through the server, the queue, a real container and the stand-in
 * API with a context window: its prompts outgrow the window the model would accept, the API
 * compacts them, and the task still succeeds, with the compaction on its event stream and its cost
 * counting the summary.
 */
@Tag("docker")
class LongTaskJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(180);
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aTaskWhosePromptOutgrowsTheWindowIsCompactedAndSucceeds() throws Exception {
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    harness
        .model
        .usageModel(new PromptCacheSimulator())
        .contextWindow(80_000)
        .respondWith(new LongTaskScript(24, 20_000));
    Map<String, String> environment = harness.environment("a");
    environment.put("DOCKHAND_CONTEXT_COMPACT_AT", "60000");
    environment.put("DOCKHAND_CONTEXT_CLEAR_TOOLS_AT", "0");
    harness.start(environment);

    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Run the numbered steps").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      JsonNode compacted =
          events.stream()
              .filter(event -> event.path("kind").asText().equals("context.compacted"))
              .findFirst()
              .orElseThrow()
              .path("data");
      assertThat(compacted.path("strategy").asText()).isEqualTo("compact");
      assertThat(compacted.path("tokensBefore").asLong()).isGreaterThan(60_000);
      assertThat(compacted.path("tokensAfter").asLong()).isLessThan(10_000);
      assertThat(events.stream().filter(e -> e.path("kind").asText().equals("tool.result")))
          .hasSize(24);
      assertThat(Collections.max(harness.model.promptSizes())).isLessThanOrEqualTo(80_000);

      // The reply that carried the compaction billed both of its iterations.
      JsonNode reply =
          events.stream()
              .filter(event -> event.path("kind").asText().equals("message.assistant"))
              .filter(
                  event ->
                      event
                          .path("data")
                          .path("content")
                          .get(0)
                          .path("type")
                          .asText()
                          .equals("compaction"))
              .findFirst()
              .orElseThrow();
      JsonNode usage = reply.path("data").path("usage");
      long billed =
          usage.path("inputTokens").asLong()
              + usage.path("cacheReadTokens").asLong()
              + usage.path("cacheWriteTokens").asLong();
      assertThat(billed).isGreaterThan(10 * compacted.path("tokensAfter").asLong());
      assertThat(harness.task(id).path("usage").path("costUsd").asDouble()).isPositive();
    }
  }
}
