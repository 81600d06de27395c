package dev.dockhand.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;

/**
 * An event's data serialised once, before any lock is taken: its kind, the JSON object, its text as
 * stored, and the text's size in UTF-8 bytes (what the per-task cap on event bytes counts).
 */
public record EventData(EventKind kind, JsonNode json, String text, int bytes) {
  public static EventData of(EventPayload payload) {
    EventKind kind = EventKind.of(payload);
    JsonNode json = Json.MAPPER.valueToTree(payload);
    String text = json.toString();
    return new EventData(kind, json, text, utf8Length(text));
  }

  /** Counted, not encoded: a tool result may be megabytes; a copy only to measure it is waste. */
  static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
