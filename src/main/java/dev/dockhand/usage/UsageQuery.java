package dev.dockhand.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dockhand.Json;
import dev.dockhand.events.Usage;
import dev.dockhand.store.Database;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads usage from the tasks table: each task counts on the UTC day it was created, with the usage
 * of all its attempts. Rows are summed as they stream from the database, so a year of an admin's
 * tasks takes no more memory than its groups. Thread-safe.
 */
public final class UsageQuery {
  private final Database database;

  public UsageQuery(Database database) {
    this.database = database;
  }

  /** The report for one user's tasks, or everyone's when {@code userId} is empty. */
  public UsageReport report(UsageRequest request, Optional<Long> userId) {
    Map<String, UsageRow> groups = new LinkedHashMap<>();
    if (request.groupBy() == UsageRequest.Grouping.DAY) {
      for (LocalDate day = request.from(); !day.isAfter(request.to()); day = day.plusDays(1)) {
        groups.put(day.toString(), UsageRow.empty(day.toString(), day.toString()));
      }
    }
    long from = request.from().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long to = request.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    database
        .jdbi()
        .useHandle(
            handle -> {
              var query =
                  handle
                      .createQuery(
                          "SELECT t.user_id, u.login, t.repo, t.model, t.status, t.created_at,"
                              + " t.usage_json FROM tasks t JOIN users u ON u.id = t.user_id"
                              + " WHERE t.created_at >= :from AND t.created_at < :to"
                              + (userId.isPresent() ? " AND t.user_id = :user" : ""))
                      .bind("from", from)
                      .bind("to", to);
              userId.ifPresent(id -> query.bind("user", id));
              query
                  .map(
                      (row, ctx) -> {
                        String[] group =
                            group(
                                request.groupBy(),
                                row.getLong("user_id"),
                                row.getString("login"),
                                row.getString("repo"),
                                row.getString("model"),
                                row.getLong("created_at"));
                        groups.merge(
                            group[0],
                            UsageRow.empty(group[0], group[1])
                                .plus(row.getString("status"), usage(row.getString("usage_json"))),
                            UsageRow::plus);
                        return 0;
                      })
                  .forEach(ignored -> {});
            });
    List<UsageRow> rows = new ArrayList<>(groups.values());
    if (request.groupBy() != UsageRequest.Grouping.DAY) {
      rows.sort(
          Comparator.comparingDouble(UsageRow::costUsd).reversed().thenComparing(UsageRow::label));
    }
    UsageRow total = rows.stream().reduce(UsageRow.empty("total", "Total"), UsageRow::plus);
    return new UsageReport(
        request.from(),
        request.to(),
        request.groupBy().wire(),
        userId.isPresent() ? "own" : "everyone",
        rows,
        total);
  }

  /** The group's key and label. */
  private static String[] group(
      UsageRequest.Grouping grouping,
      long userId,
      String login,
      String repo,
      String model,
      long createdAt) {
    return switch (grouping) {
      case DAY -> {
        String day =
            java.time.Instant.ofEpochMilli(createdAt)
                .atZone(ZoneOffset.UTC)
                .toLocalDate()
                .toString();
        yield new String[] {day, day};
      }
      case REPO -> new String[] {repo, dev.dockhand.queue.Task.repoName(repo)};
      case MODEL -> new String[] {model, model};
      case USER -> new String[] {Long.toString(userId), login};
    };
  }

  private static Usage usage(String json) {
    if (json == null) {
      return Usage.ZERO;
    }
    try {
      return Json.MAPPER.readValue(json, Usage.class);
    } catch (JsonProcessingException e) {
      return Usage.ZERO;
    }
  }
}
