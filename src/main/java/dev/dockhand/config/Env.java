package dev.dockhand.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of configuration keys. Every failed read throws a {@link ConfigException} that names
 * the key, so start-up can stop with one line. Immutable and thread-safe.
 */
public final class Env {
  private final Map<String, String> values;

  public Env(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public Optional<String> optional(String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(value.trim());
  }

  public String string(String key, String fallback) {
    return optional(key).orElse(fallback);
  }

  public Optional<Secret> secret(String key) {
    return optional(key).map(Secret::new);
  }

  public int integer(String key, int fallback, int min, int max) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, got '" + raw.get() + "'");
    }
  }

  public long longValue(String key, long fallback, long min, long max) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(raw.get());
      if (value < min || value > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number, got '" + raw.get() + "'");
    }
  }

  public double decimal(String key, double fallback, double min, double max) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(raw.get());
      if (!(value >= min && value <= max)) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a number, got '" + raw.get() + "'");
    }
  }

  public boolean bool(String key, boolean fallback) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    return switch (raw.get().toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key, "must be true or false, got '" + raw.get() + "'");
    };
  }

  /**
   * A duration written as a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m}, {@code
   * 2h}); a bare number means seconds.
   */
  public Duration duration(String key, Duration fallback, Duration min, Duration max) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return fallback;
    }
    Duration value = parseDuration(key, raw.get());
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new ConfigException(
          key, "must be between " + min + " and " + max + ", got " + raw.get());
    }
    return value;
  }

  private static Duration parseDuration(String key, String text) {
    String lower = text.toLowerCase();
    try {
      if (lower.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2).trim()));
      }
      char unit = lower.charAt(lower.length() - 1);
      String number = lower.substring(0, lower.length() - 1).trim();
      return switch (unit) {
        case 's' -> Duration.ofSeconds(Long.parseLong(number));
        case 'm' -> Duration.ofMinutes(Long.parseLong(number));
        case 'h' -> Duration.ofHours(Long.parseLong(number));
        default -> Duration.ofSeconds(Long.parseLong(lower));
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new ConfigException(
          key, "must be a duration such as 500ms, 30s, 5m or 2h, got '" + text + "'");
    }
  }

  public Path path(String key, String fallback) {
    String raw = string(key, fallback);
    try {
      return Path.of(raw);
    } catch (InvalidPathException e) {
      throw new ConfigException(key, "is not a valid path: " + e.getReason());
    }
  }

  /** An absolute http(s) URL. */
  public Optional<URI> url(String key) {
    Optional<String> raw = optional(key);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(raw.get());
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null) {
        throw new ConfigException(key, "must be an absolute http(s) URL, got '" + raw.get() + "'");
      }
      return Optional.of(uri);
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "must be an absolute http(s) URL, got '" + raw.get() + "'");
    }
  }

  public URI url(String key, String fallback) {
    return url(key).orElseGet(() -> URI.create(fallback));
  }

  /** A comma-separated list, blanks dropped. */
  public List<String> list(String key, String fallback) {
    return Arrays.stream(string(key, fallback).split(","))
        .map(String::trim)
        .filter(item -> !item.isEmpty())
        .toList();
  }
}
