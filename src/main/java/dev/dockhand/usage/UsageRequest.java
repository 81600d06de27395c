package dev.dockhand.usage;

import dev.dockhand.InvalidInputException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a usage report covers: tasks created on the UTC days {@code from} to {@code to}, both
 * included (default: the last seven days, today among them), grouped by {@code groupBy}; at most
 * {@link #MAX_DAYS} days.
 */
public record UsageRequest(LocalDate from, LocalDate to, Grouping groupBy) {
  public static final int MAX_DAYS = 366;

  /** How rows are formed. */
  public enum Grouping {
    DAY,
    REPO,
    MODEL,
    USER;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Reads the query parameters (each may be absent); a bad one is a 400 naming it. */
  public static UsageRequest parse(
      Optional<String> from, Optional<String> to, Optional<String> groupBy, LocalDate today) {
    LocalDate end = to.map(text -> date("to", text)).orElse(today);
    LocalDate start = from.map(text -> date("from", text)).orElse(end.minusDays(6));
    if (start.isAfter(end)) {
      throw new InvalidInputException("from", "from must not be after to (" + end + ")");
    }
    if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
      throw new InvalidInputException(
          "from", "a usage report covers at most " + MAX_DAYS + " days");
    }
    Grouping grouping =
        groupBy
            .map(
                text ->
                    Arrays.stream(Grouping.values())
                        .filter(value -> value.wire().equals(text))
                        .findFirst()
                        .orElseThrow(
                            () ->
                                new InvalidInputException(
                                    "groupBy", "groupBy must be one of day, repo, model, user")))
            .orElse(Grouping.DAY);
    return new UsageRequest(start, end, grouping);
  }

  private static LocalDate date(String field, String text) {
    try {
      if (text.length() != 10) {
        throw new DateTimeParseException("not a date", text, 0);
      }
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(field, field + " must be a date such as 2026-12-01 (UTC)");
    }
  }
}
