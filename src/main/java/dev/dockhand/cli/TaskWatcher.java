package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Follows one task over the WebSocket until it ends, reconnecting after drops and resuming from the
 * last seq it printed, so nothing is missed or printed twice. Not thread-safe: one per watch.
 */
final class TaskWatcher {
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private final ApiClient client;
  private final EventPrinter printer;
  private final PrintStream err;
  private long lastSeq;

  TaskWatcher(ApiClient client, EventPrinter printer, PrintStream err) {
    this.client = client;
    this.printer = printer;
    this.err = err;
  }

  /** Returns the finished task's JSON. */
  JsonNode watch(String taskId) throws InterruptedException {
    Duration backoff = Duration.ofMillis(500);
    while (true) {
      LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
      WebSocket socket;
      try {
        socket = client.websocket(new FrameCollector(frames)).get(15, TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        err.println(
            "connection failed ("
                + rootMessage(e)
                + "); retrying in "
                + backoff.toMillis()
                + " ms");
        Thread.sleep(backoff.toMillis()); // a person is waiting for a reconnect, not a test
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
        continue;
      }
      backoff = Duration.ofMillis(500);
      socket.sendText(json(Map.of("type", "subscribe", "taskId", taskId, "after", lastSeq)), true);
      Boolean finished = drain(frames, socket);
      if (finished == null) {
        throw new CliException("the server refused to follow task " + taskId);
      }
      if (finished) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        return client.get("/tasks/" + taskId);
      }
      err.println("connection lost; reconnecting from event " + lastSeq);
    }
  }

  /** True when the task ended, false when the connection dropped, null on a refusal. */
  private Boolean drain(LinkedBlockingQueue<JsonNode> frames, WebSocket socket)
      throws InterruptedException {
    while (true) {
      JsonNode frame = frames.poll(25, TimeUnit.SECONDS);
      if (frame == null) {
        socket.sendText("{\"type\":\"ping\"}", true);
        continue;
      }
      switch (frame.path("type").asText()) {
        case "event" -> {
          long seq = frame.path("seq").asLong();
          if (seq > lastSeq) {
            lastSeq = seq;
            String kind = frame.path("kind").asText();
            printer.event(kind, frame.path("data"));
            if (kind.equals("task.succeeded")
                || kind.equals("task.failed")
                || kind.equals("task.cancelled")) {
              return true;
            }
          }
        }
        case "delta" ->
            printer.delta(frame.path("stream").asText("text"), frame.path("text").asText());
        case "error" -> {
          err.println("server: " + frame.path("message").asText());
          return null;
        }
        case "closed" -> {
          return false;
        }
        default -> {}
      }
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Joins fragmented text frames and hands whole JSON frames to the watcher's queue. */
  private static final class FrameCollector implements WebSocket.Listener {
    private final LinkedBlockingQueue<JsonNode> frames;
    private final StringBuilder partial = new StringBuilder();

    FrameCollector(LinkedBlockingQueue<JsonNode> frames) {
      this.frames = frames;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          frames.add(Json.MAPPER.readTree(partial.toString()));
        } catch (IOException e) {
          // A frame we cannot read is skipped; the seq check keeps the stream whole.
        }
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      frames.add(Json.MAPPER.createObjectNode().put("type", "closed"));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      frames.add(Json.MAPPER.createObjectNode().put("type", "closed"));
    }
  }
}
