package dev.dockhand.web;

import dev.dockhand.InvalidInputException;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/tasks/{id}/events/stream}: the task's events as Server-Sent Events, {@code
 * id:} = seq (so a browser's automatic reconnect resumes from {@code Last-Event-ID}), {@code
 * event:} = kind, {@code data:} = the same JSON as the WebSocket's event frame. Deltas go as {@code
 * event: delta} without an id. The request's own (virtual) thread writes; the hub's listener only
 * queues, and a client that lets the queue fill is ended (it reconnects and misses nothing).
 * Thread-safe.
 */
final class SseStream {
  private static final String POISON = "";

  private final LiveConnection.LiveParts parts;
  private final StreamSlots slots;

  /** Each open stream's queue, and the user who opened it. */
  private final Map<BlockingQueue<String>, Long> open = new ConcurrentHashMap<>();

  SseStream(LiveConnection.LiveParts parts, StreamSlots slots) {
    this.parts = parts;
    this.slots = slots;
  }

  /** Holds one of the caller's and the address's stream slots for as long as the stream lasts. */
  void stream(Context ctx, String taskId) throws IOException {
    Caller caller = ctx.attribute(Authentication.ATTRIBUTE);
    if (caller == null) {
      throw ApiException.unauthenticated();
    }
    try (StreamSlots.Slot slot = slots.acquire(ctx, caller.userId())) {
      send(ctx, taskId, caller.userId());
    }
  }

  private void send(Context ctx, String taskId, long userId) throws IOException {
    long after = resumeFrom(ctx);
    BlockingQueue<String> queue =
        new ArrayBlockingQueue<>(Math.min(parts.limits().outboundMaxFrames(), 10_000));
    Sink sink = new Sink(queue);
    ctx.status(200);
    ctx.res().setContentType("text/event-stream;charset=utf-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    open.put(queue, userId);
    // The route checked that the caller may read this task.
    TaskFollower follower =
        new TaskFollower(parts.log(), parts.hub(), taskId, sink, queue.remainingCapacity())
            .start(after, () -> true);
    try {
      long keepAliveNanos = parts.limits().pingInterval().toNanos();
      while (true) {
        String chunk = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
        if (chunk == POISON || sink.overflowed) {
          break;
        }
        out.write((chunk == null ? ": keep-alive\n\n" : chunk).getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (chunk != null) {
          parts.metrics().sseSent();
          sink.drained();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(queue);
      follower.close();
    }
  }

  /** {@code Last-Event-ID} (a browser reconnecting) wins over {@code ?after=}. */
  private static long resumeFrom(Context ctx) {
    String lastEventId = ctx.header("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      return parse(lastEventId.trim(), "Last-Event-ID");
    }
    String after = ctx.queryParam("after");
    return after == null || after.isBlank() ? 0 : parse(after.trim(), "after");
  }

  private static long parse(String value, String field) {
    try {
      long parsed = Long.parseLong(value);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Falls through to the error below.
    }
    throw new InvalidInputException(field, field + " must be a whole number, 0 or more");
  }

  /** Ends every open stream (server shutdown). */
  void closeAll() {
    open.keySet().forEach(SseStream::end);
  }

  /** The user was disabled: end their streams on this node. */
  void closeUser(long userId) {
    open.forEach(
        (queue, owner) -> {
          if (owner == userId) {
            end(queue);
          }
        });
  }

  private static void end(BlockingQueue<String> queue) {
    queue.clear();
    queue.offer(POISON);
  }

  private final class Sink implements FollowerSink {
    private final BlockingQueue<String> queue;
    private volatile boolean overflowed;

    Sink(BlockingQueue<String> queue) {
      this.queue = queue;
    }

    @Override
    public void event(Event event) {
      offer(
          "id: "
              + event.seq()
              + "\nevent: "
              + event.kind().wire()
              + "\ndata: "
              + Frames.event(event)
              + "\n\n");
    }

    @Override
    public void delta(String taskId, DeltaStream stream, String text) {
      offer("event: delta\ndata: " + Frames.delta(taskId, stream, text) + "\n\n");
    }

    private void offer(String chunk) {
      if (!overflowed && !queue.offer(chunk)) {
        overflowed = true;
        parts.metrics().slowClientDropped();
        queue.clear();
        queue.offer(POISON);
      }
    }

    private boolean hasRoom() {
      return queue.size() <= queue.remainingCapacity();
    }

    /** Called by the writer after each chunk: wakes a replay waiting for room. */
    void drained() {
      if (hasRoom()) {
        synchronized (this) {
          notifyAll();
        }
      }
    }

    @Override
    public synchronized boolean awaitRoom() throws InterruptedException {
      while (!overflowed && !hasRoom()) {
        wait(1000);
      }
      return !overflowed;
    }

    @Override
    public void failed(TaskFollower follower, RuntimeException failure) {
      queue.clear();
      queue.offer(POISON);
    }
  }
}
