package dev.dockhand.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.testkit.WebPushStandIn;
import dev.dockhand.web.WebHarness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Web Push through the real server: a browser's subscription stored over the API, a push sent when
 * its owner's task ends or opens a pull request, checked by a push service stand-in that verifies
 * the VAPID JWT and decrypts the body with the subscription's private key.
 */
class PushJourneyTest {
  private WebPushStandIn service;
  private WebHarness harness;
  private WebHarness.Person bob;
  private String serverKey;

  @BeforeEach
  void start() throws Exception {
    service = WebPushStandIn.start();
    harness =
        WebHarness.start(
            Map.of("DOCKHAND_PUSH_ALLOW_LOOPBACK", "true"), dev.dockhand.web.WebLimits.DEFAULTS);
    bob = harness.person("bob");
    HttpResponse<String> key = harness.get("/api/v1/push/key", bob.token());
    assertThat(key.statusCode()).isEqualTo(200);
    serverKey = WebHarness.json(key).path("publicKey").asText();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    service.close();
  }

  private String subscribe(WebHarness.Person person, WebPushStandIn.Browser browser) {
    HttpResponse<String> created =
        harness.post("/api/v1/push/subscriptions", person.token(), browser.json());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return WebHarness.json(created).path("id").asText();
  }

  private void finish(Task task, EventPayload ending) {
    harness.append(task.id(), ending);
  }

  @Test
  void aTaskThatEndsSendsItsOwnerAnEncryptedSignedPushNamingTheRepositoryTheOutcomeAndTheTask()
      throws Exception {
    WebPushStandIn.Browser phone = service.subscribe(serverKey);
    subscribe(bob, phone);
    WebHarness.Person alice = harness.person("alice");
    WebPushStandIn.Browser alicesPhone = service.subscribe(serverKey);
    subscribe(alice, alicesPhone);
    Task task = harness.submit(bob);

    harness.queue().cancel(task.id());

    WebPushStandIn.Received push = service.next(10);
    assertThat(push.subscriptionId()).isEqualTo(phone.id());
    JsonNode message = push.json();
    assertThat(message.path("title").asText()).isEqualTo("Task cancelled · octo/hello");
    assertThat(message.path("body").asText()).isEqualTo("say hello");
    assertThat(message.path("url").asText()).isEqualTo("/#/tasks/" + task.id());
    assertThat(message.path("repo").asText()).isEqualTo("octo/hello");
    assertThat(message.path("outcome").asText()).isEqualTo("cancelled");
    assertThat(message.path("tag").asText()).isEqualTo("dockhand-" + task.id());
    assertThat(push.claims().path("sub").asText()).isEqualTo("mailto:dockhand@localhost");
    assertThat(push.claims().path("exp").asLong())
        .isBetween(
            Instant.now().getEpochSecond(),
            Instant.now().plus(Duration.ofHours(24)).getEpochSecond());
    assertThat(push.headers()).containsEntry("ttl", "86400").containsKey("topic");
    assertThat(service.poll(300)).as("alice's phone hears nothing of bob's task").isNull();
  }

  @Test
  void aFailureSaysWhyAndAPullRequestHasItsOwnPush() throws Exception {
    subscribe(bob, service.subscribe(serverKey));
    Task task = harness.submit(bob);

    finish(task, new EventPayload.PrOpened("https://github.com/octo/hello/pull/7"));
    JsonNode opened = service.next(10).json();
    assertThat(opened.path("title").asText()).isEqualTo("Pull request opened");
    assertThat(opened.path("body").asText()).isEqualTo("octo/hello: say hello");
    assertThat(opened.path("outcome").asText()).isEqualTo("pr_opened");

    finish(
        task,
        new EventPayload.TaskFailed("the budget ran out", "budget_exceeded", Usage.ZERO, Map.of()));
    JsonNode failed = service.next(10).json();
    assertThat(failed.path("title").asText()).isEqualTo("Task failed · octo/hello");
    assertThat(failed.path("body").asText()).isEqualTo("say hello\nthe budget ran out");
  }

  @Test
  void aSubscriptionThePushServiceCallsGoneIsForgotten() throws Exception {
    subscribe(bob, service.subscribe(serverKey));
    WebPushStandIn.Browser other = service.subscribe(serverKey);
    String otherId = subscribe(bob, other);
    service.answerNext(410, 201);

    harness.queue().cancel(harness.submit(bob).id());

    assertThat(service.nextAnswer(10)).isEqualTo(410);
    assertThat(service.nextAnswer(10)).isEqualTo(201);
    eventually(() -> harness.push().subscriptions().of(bob.id()).size() == 1);
    assertThat(harness.push().subscriptions().of(bob.id()))
        .extracting(Subscription::id)
        .as("one of the two was gone; which one depends on send order")
        .hasSize(1);
    service.answerNext(404);
    harness.queue().cancel(harness.submit(bob).id());
    assertThat(service.nextAnswer(10)).isEqualTo(404);
    eventually(() -> harness.push().subscriptions().of(bob.id()).isEmpty());
    assertThat(otherId).isNotEmpty();
  }

  @Test
  void aPushServiceThatAsksForPatienceIsTriedAgainAfterRetryAfter() throws Exception {
    subscribe(bob, service.subscribe(serverKey));
    service.answerNext(429);

    harness.queue().cancel(harness.submit(bob).id());

    assertThat(service.nextAnswer(10)).isEqualTo(429);
    assertThat(service.next(10).json().path("outcome").asText()).isEqualTo("cancelled");
    assertThat(harness.push().subscriptions().of(bob.id())).hasSize(1);
  }

  @Test
  void aPersonRemovesTheirOwnSubscriptionButNotAnothersAndTheirTasksThenSendNothing()
      throws Exception {
    String id = subscribe(bob, service.subscribe(serverKey));
    WebHarness.Person alice = harness.person("alice");

    assertThat(harness.delete("/api/v1/push/subscriptions/" + id, alice.token()).statusCode())
        .isEqualTo(404);
    assertThat(harness.delete("/api/v1/push/subscriptions/" + id, bob.token()).statusCode())
        .isEqualTo(204);
    harness.queue().cancel(harness.submit(bob).id());
    assertThat(service.poll(500)).isNull();
  }

  @Test
  void endpointsAndKeysThatAreNotAPushServicesAreRefusedNamingTheField() {
    WebPushStandIn.Browser browser = service.subscribe(serverKey);
    String keys =
        "\"keys\":{\"p256dh\":\""
            + browser.p256dh()
            + "\",\"auth\":\""
            + browser.authSecret()
            + "\"}";
    for (String endpoint :
        new String[] {
          "http://push.example.com/x",
          "https://10.0.0.7/push",
          "https://169.254.169.254/latest/meta-data",
          "https://[fe80::1]/x",
          "https://[::ffff:192.168.1.1]/x",
          "https://user:pw@push.example.com/x",
          "file:///etc/passwd",
          "https://push.example.com/x#frag",
          "https://2130706433/x",
          "not a url",
          "https://push.example.com/" + "a".repeat(2000)
        }) {
      HttpResponse<String> refused =
          harness.post(
              "/api/v1/push/subscriptions",
              bob.token(),
              "{\"endpoint\":\"" + endpoint + "\"," + keys + "}");
      assertThat(refused.statusCode()).as(endpoint).isEqualTo(400);
      assertThat(WebHarness.json(refused).path("error").path("field").asText())
          .as(endpoint)
          .isEqualTo("endpoint");
    }
    String endpoint = "\"endpoint\":\"https://push.example.com/x\"";
    assertField("{" + endpoint + "}", "keys");
    assertField(
        "{" + endpoint + ",\"keys\":{\"auth\":\"" + browser.authSecret() + "\"}}", "keys.p256dh");
    assertField(
        "{"
            + endpoint
            + ",\"keys\":{\"p256dh\":\"BAAA\",\"auth\":\""
            + browser.authSecret()
            + "\"}}",
        "keys.p256dh");
    String offCurve =
        browser.p256dh().substring(0, 80)
            + (browser.p256dh().charAt(80) == 'A' ? "B" : "A")
            + browser.p256dh().substring(81);
    assertField(
        "{"
            + endpoint
            + ",\"keys\":{\"p256dh\":\""
            + offCurve
            + "\",\"auth\":\""
            + browser.authSecret()
            + "\"}}",
        "keys.p256dh");
    assertField(
        "{" + endpoint + ",\"keys\":{\"p256dh\":\"" + browser.p256dh() + "\",\"auth\":\"AAAA\"}}",
        "keys.auth");
    assertThat(harness.get("/api/v1/push/key", null).statusCode()).isEqualTo(401);
  }

  private void assertField(String body, String field) {
    HttpResponse<String> refused = harness.post("/api/v1/push/subscriptions", bob.token(), body);
    assertThat(refused.statusCode()).as(body).isEqualTo(400);
    assertThat(WebHarness.json(refused).path("error").path("field").asText())
        .as(body)
        .isEqualTo(field);
  }

  /** Waits for a condition the server reaches on its own thread, for at most ten seconds. */
  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }
}
