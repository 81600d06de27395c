package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.queue.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket connections and SSE streams, counted together, are capped per person and per client
 * address; a stream over a cap is refused with 429 before it starts, and one that ends, however it
 * ends, frees its slot.
 */
class StreamCapsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private WebHarness harness;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    WebLimits base = WebLimits.DEFAULTS;
    // Keep-alives every 100 ms, so a server notices a vanished SSE reader at once.
    WebLimits fastKeepAlive =
        new WebLimits(
            base.maxBodyBytes(),
            base.maxPromptChars(),
            base.wsMaxMessageBytes(),
            base.wsMessagesPerSecond(),
            base.wsMessageBurst(),
            base.outboundMaxFrames(),
            base.outboundMaxBytes(),
            base.slowClientGrace(),
            Duration.ofMillis(100),
            base.maxSubscriptions());
    harness =
        WebHarness.start(
            Map.of(
                "DOCKHAND_MAX_STREAMS_PER_USER", "2",
                "DOCKHAND_MAX_STREAMS_PER_ADDRESS", "3",
                "DOCKHAND_TRUSTED_PROXIES", "127.0.0.1"),
            fastKeepAlive);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable stream : open) {
      stream.close();
    }
    harness.close();
  }

  private WsClient socket(WebHarness.Person person) {
    WsClient client = WsClient.bearer(harness, person.token());
    open.add(client);
    return client;
  }

  private WsClient socketFrom(WebHarness.Person person, String forwardedFor) {
    WsClient client =
        WsClient.connect(
            harness,
            true,
            builder ->
                builder
                    .header("Authorization", "Bearer " + person.token())
                    .header("X-Forwarded-For", forwardedFor));
    open.add(client);
    return client;
  }

  private HttpResponse<InputStream> events(WebHarness.Person person, Task task) {
    try {
      HttpResponse<InputStream> response =
          harness
              .http()
              .send(
                  harness
                      .request("/api/v1/tasks/" + task.id() + "/events/stream", person.token())
                      .build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      open.add(response.body());
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode error(HttpResponse<InputStream> response) throws IOException {
    return WebHarness.json(new String(response.body().readAllBytes(), StandardCharsets.UTF_8))
        .get("error");
  }

  private static int refusedUpgrade(Runnable connect) {
    Throwable[] failure = new Throwable[1];
    assertThatThrownBy(connect::run)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(WebSocketHandshakeException.class)
        .satisfies(cause -> failure[0] = cause);
    WebSocketHandshakeException refused = (WebSocketHandshakeException) failure[0];
    assertThat(refused.getResponse().headers().firstValue("Retry-After")).isPresent();
    return refused.getResponse().statusCode();
  }

  /** The connection is open and served, not closed just after the upgrade. */
  private static void assertAnswers(WsClient client) {
    client.send("{\"type\":\"ping\"}");
    try {
      assertThat(client.next(WAIT).get("type").asText()).isEqualTo("pong");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Tries until {@code attempt} succeeds: the server frees a slot once it sees the stream end. */
  private static <T> T eventually(Supplier<T> attempt) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return attempt.get();
      } catch (RuntimeException | AssertionError refused) {
        if (System.nanoTime() > deadline) {
          throw refused;
        }
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    }
  }

  @Test
  void aPersonsStreamsPastTheCapAreRefusedWith429AndAClosedOneFreesItsSlot() throws Exception {
    WebHarness.Person alice = harness.person("alice");
    Task task = harness.submit(alice);
    WsClient first = socket(alice);
    HttpResponse<InputStream> stream = events(alice, task);
    assertThat(stream.statusCode()).isEqualTo(200);

    assertThat(refusedUpgrade(() -> socket(alice))).isEqualTo(429);
    HttpResponse<InputStream> refused = events(alice, task);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("10");
    JsonNode error = error(refused);
    assertThat(error.get("code").asText()).isEqualTo("too_many_streams");
    assertThat(error.get("message").asText())
        .isEqualTo(
            "you have 2 live connections open (WebSocket and event streams together,"
                + " DOCKHAND_MAX_STREAMS_PER_USER); close one first");
    // Another person is not held back by Alice's streams.
    assertAnswers(socket(harness.person("bob")));

    first.close();
    assertAnswers(eventually(() -> socket(alice)));

    stream.body().close();
    HttpResponse<InputStream> reopened =
        eventually(
            () -> {
              HttpResponse<InputStream> response = events(alice, task);
              assertThat(response.statusCode()).isEqualTo(200);
              return response;
            });
    assertThat(new String(reopened.body().readNBytes(13), StandardCharsets.UTF_8))
        .isEqualTo(": connected\n\n");
  }

  @Test
  void streamsFromOneAddressPastItsCapAreRefusedWhateverPersonOpensThem() throws Exception {
    WebHarness.Person alice = harness.person("alice");
    WebHarness.Person bob = harness.person("bob");
    WebHarness.Person carol = harness.person("carol");
    socket(alice);
    socket(alice);
    WsClient bobs = socket(bob);

    assertThat(refusedUpgrade(() -> socket(carol))).isEqualTo(429);
    HttpResponse<InputStream> refused = events(carol, harness.submit(carol));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("message").asText())
        .isEqualTo(
            "your address has 3 live connections open (DOCKHAND_MAX_STREAMS_PER_ADDRESS);"
                + " close one first");
    // Behind the trusted proxy, another caller's address has slots of its own.
    assertAnswers(socketFrom(carol, "203.0.113.9"));

    bobs.close();
    assertAnswers(eventually(() -> socket(carol)));
  }
}
