package dev.dockhand.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;
import dev.dockhand.queue.Task;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's realtime messages, as DESIGN names them. An event is serialised once however many
 * subscribers it reaches: the hub hands the same {@link Event} to each listener in turn, so a
 * one-entry cache keyed by identity hits for all but the first. Thread-safe.
 */
final class Frames {
  private static final AtomicReference<Cached> LAST_EVENT = new AtomicReference<>();

  private Frames() {}

  private record Cached(Event event, String json) {}

  /** {@code {"type":"event","taskId","seq","kind","data","at"}}. */
  static String event(Event event) {
    Cached cached = LAST_EVENT.get();
    if (cached != null && cached.event() == event) {
      return cached.json();
    }
    ObjectNode frame = Json.MAPPER.createObjectNode().put("type", "event");
    String json = write(eventFields(frame, event));
    LAST_EVENT.set(new Cached(event, json));
    return json;
  }

  /** The event's fields as the events page lists them (the frame without its type). */
  static ObjectNode eventFields(ObjectNode into, Event event) {
    into.put("taskId", event.taskId());
    into.put("seq", event.seq());
    into.put("kind", event.kind().wire());
    into.set("data", event.data());
    into.put("at", event.at().toString());
    return into;
  }

  static String delta(String taskId, DeltaStream stream, String text) {
    return write(
        Json.MAPPER
            .createObjectNode()
            .put("type", "delta")
            .put("taskId", taskId)
            .put("stream", stream.wire())
            .put("text", text));
  }

  static String task(Task task) {
    ObjectNode frame = Json.MAPPER.createObjectNode().put("type", "task");
    frame.set("task", Json.MAPPER.valueToTree(TaskView.of(task)));
    return write(frame);
  }

  static String pong() {
    return "{\"type\":\"pong\"}";
  }

  static String error(String code, String message) {
    return write(
        Json.MAPPER
            .createObjectNode()
            .put("type", "error")
            .put("code", code)
            .put("message", message));
  }

  private static String write(ObjectNode node) {
    try {
      return Json.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
