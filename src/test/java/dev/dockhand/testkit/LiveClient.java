package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client of {@code /api/v1/ws} built on the JDK's own client (nothing of the server's),
 * collecting every frame for assertions. Thread-safe.
 */
public final class LiveClient implements AutoCloseable {
  private final LinkedBlockingQueue<JsonNode> frames;
  private final List<JsonNode> seen = new ArrayList<>();
  private final Set<String> returned = ConcurrentHashMap.newKeySet();
  private final WebSocket socket;

  private LiveClient(LinkedBlockingQueue<JsonNode> frames, WebSocket socket) {
    this.frames = frames;
    this.socket = socket;
  }

  public static LiveClient connect(URI origin, String token) {
    LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(
                URI.create("ws" + origin.toString().substring(4) + "/api/v1/ws"),
                new Collector(frames))
            .join();
    return new LiveClient(frames, socket);
  }

  public void send(Object message) {
    try {
      socket.sendText(Json.MAPPER.writeValueAsString(message), true).join();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public void subscribe(String taskId, long after) {
    send(Map.of("type", "subscribe", "taskId", taskId, "after", after));
  }

  /** Waits for the first frame matching {@code test}, keeping every frame seen on the way. */
  public JsonNode await(Predicate<JsonNode> test, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
      if (frame == null) {
        throw new AssertionError("no matching frame within " + timeout + "; saw " + seen());
      }
      synchronized (seen) {
        seen.add(frame);
      }
      if (test.test(frame)) {
        return frame;
      }
    }
  }

  /**
   * Waits for the next event of {@code kind} on {@code taskId} that this call has not returned
   * before, whether it already arrived (while waiting for something else) or is still to come.
   */
  public JsonNode awaitEvent(String taskId, String kind, Duration timeout)
      throws InterruptedException {
    Predicate<JsonNode> wanted =
        frame ->
            "event".equals(frame.path("type").asText())
                && taskId.equals(frame.path("taskId").asText())
                && kind.equals(frame.path("kind").asText())
                && returned.add(taskId + "/" + frame.path("seq").asLong());
    synchronized (seen) {
      for (JsonNode frame : seen) {
        if (wanted.test(frame)) {
          return frame;
        }
      }
    }
    return await(wanted, timeout);
  }

  /** The stored events received so far for {@code taskId}, in arrival order. */
  public List<JsonNode> events(String taskId) {
    synchronized (seen) {
      return seen.stream()
          .filter(frame -> "event".equals(frame.path("type").asText()))
          .filter(frame -> taskId.equals(frame.path("taskId").asText()))
          .toList();
    }
  }

  public List<JsonNode> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  @Override
  public void close() {
    socket.abort();
  }

  private static final class Collector implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> queue;
    private final StringBuilder partial = new StringBuilder();

    Collector(LinkedBlockingQueue<JsonNode> queue) {
      this.queue = queue;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          queue.add(Json.MAPPER.readTree(partial.toString()));
        } catch (IOException e) {
          queue.add(
              Json.MAPPER
                  .createObjectNode()
                  .put("type", "unreadable")
                  .put("text", partial.toString()));
        }
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      queue.add(Json.MAPPER.createObjectNode().put("type", "closed").put("status", status));
      return CompletableFuture.completedFuture(null);
    }
  }
}
