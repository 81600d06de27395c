package dev.dockhand.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One stored task event; {@code seq} starts at 1 per task with no gaps. */
public record Event(String taskId, long seq, EventKind kind, JsonNode data, Instant at) {}
