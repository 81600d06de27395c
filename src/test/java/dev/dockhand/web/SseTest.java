package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SseTest {
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void theStreamResumesAfterLastEventIdThenFollowsLive() throws Exception {
    WebHarness.Person alice = harness.person("alice");
    Task task = harness.submit(alice);
    for (int i = 0; i < 5; i++) {
      harness.append(task.id(), new EventPayload.ToolCall("before-" + i, "bash", null));
    }
    long lastSeen = 3;
    HttpResponse<InputStream> response =
        harness
            .http()
            .send(
                harness
                    .request("/api/v1/tasks/" + task.id() + "/events/stream", alice.token())
                    .header("Last-Event-ID", Long.toString(lastSeen))
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      long live = harness.append(task.id(), new EventPayload.ToolCall("live", "bash", null)).seq();
      List<Long> ids = new ArrayList<>();
      List<String> kinds = new ArrayList<>();
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("id: ")) {
          ids.add(Long.parseLong(line.substring(4)));
        } else if (line.startsWith("event: ")) {
          kinds.add(line.substring(7));
        } else if (line.startsWith("data: ")) {
          assertThat(WebHarness.json(line.substring(6)).get("seq").asLong())
              .isEqualTo(ids.getLast());
        }
        if (!ids.isEmpty() && ids.getLast() == live && line.isEmpty()) {
          break;
        }
      }
      List<Long> expected = new ArrayList<>();
      for (long seq = lastSeen + 1; seq <= live; seq++) {
        expected.add(seq);
      }
      assertThat(ids).containsExactlyElementsOf(expected);
      assertThat(kinds).last().isEqualTo("tool.call");
    }
  }

  @Test
  void anotherUsersTaskStreamIsNotFound() {
    Task alicesTask = harness.submit(harness.person("alice"));
    HttpResponse<String> response =
        harness.get(
            "/api/v1/tasks/" + alicesTask.id() + "/events/stream", harness.person("bob").token());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(WebHarness.json(response).get("error").get("code").asText()).isEqualTo("not_found");
  }
}
