package dev.dockhand.config;

/** A secret value that never prints itself: {@code toString()} is redacted. */
public record Secret(String value) {
  public Secret {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("empty secret");
    }
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "[redacted]";
  }
}
