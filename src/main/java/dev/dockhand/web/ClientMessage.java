package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import java.io.IOException;

/** What a WebSocket client may send (DESIGN, "Events and realtime"). */
sealed interface ClientMessage {
  /** Replay the task's events after {@code after}, then follow it live. */
  record Subscribe(String taskId, long after) implements ClientMessage {}

  /** Follow status changes of all the caller's tasks. */
  record SubscribeTasks() implements ClientMessage {}

  record Unsubscribe(String taskId) implements ClientMessage {}

  record UnsubscribeTasks() implements ClientMessage {}

  record Ping() implements ClientMessage {}

  /** Throws {@link InvalidInputException} naming the field at fault. */
  static ClientMessage parse(String text) {
    JsonNode message;
    try {
      message = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new InvalidInputException("body", "the message is not valid JSON");
    }
    if (message == null || !message.isObject()) {
      throw new InvalidInputException("body", "the message must be a JSON object");
    }
    String type = text(message, "type");
    return switch (type) {
      case "ping" -> new Ping();
      case "subscribe" ->
          isTasksTopic(message) ? new SubscribeTasks() : new Subscribe(taskId(message), after(message));
      case "unsubscribe" ->
          isTasksTopic(message) ? new UnsubscribeTasks() : new Unsubscribe(taskId(message));
      default -> throw new InvalidInputException("type", "unknown message type '" + abbreviate(type) + "'");
    };
  }

  private static boolean isTasksTopic(JsonNode message) {
    if (!message.has("topic")) {
      return false;
    }
    if (!"tasks".equals(text(message, "topic"))) {
      throw new InvalidInputException("topic", "the only topic is \"tasks\"");
    }
    return true;
  }

  private static String taskId(JsonNode message) {
    String taskId = text(message, "taskId");
    if (taskId.isEmpty() || taskId.length() > 100) {
      throw new InvalidInputException("taskId", "taskId must be 1-100 characters");
    }
    return taskId;
  }

  private static long after(JsonNode message) {
    JsonNode after = message.get("after");
    if (after == null || after.isNull()) {
      return 0;
    }
    if (!after.isIntegralNumber() || !after.canConvertToLong() || after.asLong() < 0) {
      throw new InvalidInputException("after", "after must be a whole number, 0 or more");
    }
    return after.asLong();
  }

  private static String text(JsonNode message, String field) {
    JsonNode value = message.get(field);
    if (value == null || !value.isTextual()) {
      throw new InvalidInputException(field, field + " must be a string");
    }
    return value.asText();
  }

  private static String abbreviate(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }
}
