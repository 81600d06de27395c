package dev.dockhand.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small NOTIFY payloads a hub sends the other nodes' hubs on PostgreSQL: {@code {"o": origin,
 * "t": taskId, …}}, where the receiver reads what the payload names. A hub delivers its own
 * publications in process, so it skips the notifications that carry its own origin. Thread-safe.
 */
public final class Notifications {
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);

  /** Tells this hub's own notifications apart from other nodes'. */
  private final String origin = UUID.randomUUID().toString().substring(0, 8);

  /** A payload naming the task, marked as this hub's; callers may put more fields on it. */
  public ObjectNode payload(String taskId) {
    return Json.MAPPER.createObjectNode().put("o", origin).put("t", taskId);
  }

  /**
   * A listener for a channel that passes {@code handler} the parsed payloads of other nodes'
   * notifications, skipping this hub's own and malformed ones.
   */
  public Consumer<String> fromOthers(Consumer<JsonNode> handler) {
    return text -> {
      JsonNode payload = parse(text);
      if (payload != null && !origin.equals(payload.path("o").asText())) {
        handler.accept(payload);
      }
    };
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (Exception e) {
      log.warn("ignoring malformed notification");
      return null;
    }
  }
}
