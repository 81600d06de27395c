package dev.dockhand.events;

import java.util.Locale;

/**
 * Which live output a delta belongs to: the model's text, the setup's output or the checks' output.
 * Deltas are never stored; the wire name goes in a delta frame's {@code stream} field.
 */
public enum DeltaStream {
  TEXT,
  SETUP,
  CHECKS;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The stream a wire name stands for; the model's text for anything unknown. */
  public static DeltaStream ofWire(String wire) {
    for (DeltaStream stream : values()) {
      if (stream.wire().equals(wire)) {
        return stream;
      }
    }
    return TEXT;
  }
}
