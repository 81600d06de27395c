package dev.dockhand.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One stored task event; {@code seq} starts at 1 per task with no gaps. {@code data} is the JSON as
 * stored and sent to clients; {@link #payload()} reads it into its kind's record.
 */
public record Event(String taskId, long seq, EventKind kind, JsonNode data, Instant at) {
  public EventPayload payload() {
    return EventPayload.parse(kind.wire(), data);
  }
}
