package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.events.EventKind;
import dev.dockhand.queue.Task;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web app's offline outbox may send a follow-up twice; the task must hear it once. */
class FollowUpIdempotencyTest {
  private WebHarness harness;
  private WebHarness.Person alice;
  private Task task;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
    alice = harness.person("alice");
    task = harness.submit(alice);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private HttpResponse<String> followUp(String key, String content) {
    HttpRequest.Builder request =
        harness
            .request("/api/v1/tasks/" + task.id() + "/messages", alice.token())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + content + "\"}"));
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return harness.send(request.build());
  }

  private long userMessages() {
    return harness.log().page(task.id(), 0, 1000).stream()
        .filter(event -> event.kind() == EventKind.MESSAGE_USER)
        .count();
  }

  @Test
  void aFollowUpSentTwiceWithTheSameKeyIsStoredOnce() {
    assertThat(followUp("outbox-1", "also add tests").statusCode()).isEqualTo(202);
    assertThat(followUp("outbox-1", "also add tests").statusCode()).isEqualTo(202);
    assertThat(userMessages()).isEqualTo(1);
  }

  @Test
  void differentKeysOrNoKeyStoreEachFollowUp() {
    followUp("outbox-1", "one");
    followUp("outbox-2", "two");
    followUp(null, "three");
    followUp(null, "three");
    assertThat(userMessages()).isEqualTo(4);
  }

  @Test
  void theSameKeyWithOtherContentIsAConflict() {
    followUp("outbox-1", "one");
    HttpResponse<String> reused = followUp("outbox-1", "something else");
    assertThat(reused.statusCode()).isEqualTo(409);
    assertThat(userMessages()).isEqualTo(1);
  }

  @Test
  void aFollowUpKeyDoesNotCollideWithTheSameKeyOnAnotherTask() {
    Task other = harness.submit(alice);
    followUp("shared", "one");
    HttpResponse<String> elsewhere =
        harness.send(
            harness
                .request("/api/v1/tasks/" + other.id() + "/messages", alice.token())
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "shared")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"one\"}"))
                .build());
    assertThat(elsewhere.statusCode()).isEqualTo(202);
    assertThat(harness.log().page(other.id(), 0, 1000))
        .anyMatch(event -> event.kind() == EventKind.MESSAGE_USER);
  }

  @Test
  void aBadKeyIsRefusedNamingTheHeader() {
    HttpResponse<String> response = followUp("has space", "one");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(WebHarness.json(response).path("error").path("field").asText())
        .isEqualTo("Idempotency-Key");
  }
}
