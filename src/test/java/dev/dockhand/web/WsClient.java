package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test WebSocket client on the JDK's implementation: collects frames as JSON, can stop reading
 * (to play a stalled client), and records how the server closed it.
 */
final class WsClient implements AutoCloseable {
  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket socket;
  private volatile boolean reading;

  private WsClient(HttpClient http, URI uri, boolean reading, Customizer customizer) {
    this.reading = reading;
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    customizer.apply(builder);
    this.socket = builder.buildAsync(uri, new Listener()).join();
  }

  /** Header and subprotocol settings for the upgrade request. */
  @FunctionalInterface
  interface Customizer {
    void apply(WebSocket.Builder builder);
  }

  static WsClient bearer(WebHarness harness, String token) {
    return connect(harness, true, builder -> builder.header("Authorization", "Bearer " + token));
  }

  static WsClient connect(WebHarness harness, boolean reading, Customizer customizer) {
    return new WsClient(harness.http(), harness.wsUrl(), reading, customizer);
  }

  WebSocket socket() {
    return socket;
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  /** Sends unless the connection is already closed; false if it was. */
  boolean trySend(String text) {
    try {
      socket.sendText(text, true).join();
      return true;
    } catch (java.util.concurrent.CompletionException closed) {
      return false;
    }
  }

  void subscribe(String taskId, long after) {
    send("{\"type\":\"subscribe\",\"taskId\":\"" + taskId + "\",\"after\":" + after + "}");
  }

  /** The next frame, or fails after the timeout. */
  JsonNode next(Duration timeout) throws InterruptedException {
    JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (frame == null) {
      throw new AssertionError("no frame within " + timeout);
    }
    return frame;
  }

  /** The next frame if one arrives within the timeout. */
  Optional<JsonNode> poll(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** Frames until one matches, returning every frame seen including it. */
  List<JsonNode> until(Predicate<JsonNode> last, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> seen = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode frame = frames.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (frame == null) {
        throw new AssertionError(
            "no matching frame within "
                + timeout
                + "; saw "
                + seen
                + "; closed: "
                + closeCode.getNow(null)
                + ", input closed: "
                + socket.isInputClosed());
      }
      seen.add(frame);
      if (last.test(frame)) {
        return seen;
      }
    }
  }

  /** Frames that arrived so far, without waiting. */
  List<JsonNode> drain() {
    List<JsonNode> drained = new ArrayList<>();
    frames.drainTo(drained);
    return drained;
  }

  /** Starts (or resumes) reading from the socket. */
  void resumeReading() {
    reading = true;
    socket.request(Long.MAX_VALUE);
  }

  CompletableFuture<Integer> closeCode() {
    return closeCode;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(failure -> null);
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket webSocket) {
      if (reading) {
        webSocket.request(Long.MAX_VALUE);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(Json.MAPPER.readTree(partial.toString()));
        } catch (IOException e) {
          frames.add(Json.MAPPER.createObjectNode().put("unparsable", partial.toString()));
        }
        partial.setLength(0);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.complete(1006);
    }
  }
}
