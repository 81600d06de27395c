package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many connections at once, each subscribing while its tasks' events are appended: every frame sent
 * from the follower's, the publisher's and the message handler's threads must arrive.
 */
class WebSocketConcurrencyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CLIENTS = 24;
  private static final int EVENTS_PER_TASK = 20;

  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    // One person's connections, more than the default per-person cap allows.
    String streams = Integer.toString(CLIENTS);
    harness =
        WebHarness.start(
            Map.of(
                "DOCKHAND_MAX_STREAMS_PER_USER", streams,
                "DOCKHAND_MAX_STREAMS_PER_ADDRESS", streams),
            WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void clientsSubscribingWhileEventsAreAppendedEachReceiveEveryEventOnceInOrder() throws Exception {
    WebHarness.Person alice = harness.person("alice");
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(pool.submit(() -> followTwoTasks(alice, go)));
      }
      go.countDown();
      for (Future<?> client : clients) {
        client.get();
      }
    }
  }

  /**
   * Two tasks on one connection, so replay of one meets live frames of the other; the second task's
   * only event is appended just as its subscription starts, as the flaky test did.
   */
  private Void followTwoTasks(WebHarness.Person person, CountDownLatch go) throws Exception {
    Task first = harness.submit(person);
    Task second = harness.submit(person);
    try (WsClient client = WsClient.bearer(harness, person.token())) {
      go.await();
      client.subscribe(first.id(), 0);
      client.subscribe(second.id(), 0);
      Thread appender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    // The second task gets one event only, so none after it could fill a gap.
                    harness.append(second.id(), new EventPayload.ToolCall("b", "bash", null));
                    for (int i = 0; i < EVENTS_PER_TASK; i++) {
                      harness.append(first.id(), new EventPayload.ToolCall("a" + i, "bash", null));
                    }
                  });
      client.send("{\"type\":\"ping\"}");
      appender.join();
      long lastFirst = harness.log().all(first.id()).getLast().seq();
      long lastSecond = harness.log().all(second.id()).getLast().seq();
      List<JsonNode> frames = new ArrayList<>();
      long[] seen = new long[3];
      frames.addAll(
          client.until(
              frame -> {
                String taskId = frame.path("taskId").asText();
                if (frame.path("type").asText().equals("pong")) {
                  seen[2] = 1;
                } else if (taskId.equals(first.id())) {
                  seen[0] = frame.path("seq").asLong();
                } else if (taskId.equals(second.id())) {
                  seen[1] = frame.path("seq").asLong();
                }
                return seen[0] == lastFirst && seen[1] == lastSecond && seen[2] == 1;
              },
              WAIT));
      assertThat(seqsOf(frames, first.id()))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, lastFirst).boxed().toList());
      assertThat(seqsOf(frames, second.id()))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, lastSecond).boxed().toList());
    }
    return null;
  }

  private static List<Long> seqsOf(List<JsonNode> frames, String taskId) {
    return frames.stream()
        .filter(frame -> frame.path("type").asText().equals("event"))
        .filter(frame -> frame.path("taskId").asText().equals(taskId))
        .map(frame -> frame.get("seq").asLong())
        .toList();
  }
}
