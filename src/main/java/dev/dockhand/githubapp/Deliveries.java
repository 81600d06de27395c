package dev.dockhand.githubapp;

import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code github_deliveries} table: every accepted delivery is stored before GitHub is answered,
 * so a crash loses none, and a redelivery (the same {@code X-GitHub-Delivery}) finds its row and
 * adds nothing. Nodes claim pending deliveries with a short lease, one row at a time, by a
 * conditional update that works alike on SQLite and PostgreSQL. Thread-safe.
 */
final class Deliveries {
  /** How long a claimed delivery stays with its node before another may take it over. */
  static final Duration LEASE = Duration.ofMinutes(2);

  private final Database database;
  private final Clock clock;

  Deliveries(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Stores a new delivery; false when one with this id is already stored (a redelivery). */
  boolean record(String id, String event, String payload) {
    long now = clock.millis();
    return database.write(
            handle ->
                handle
                    .createUpdate(
                        "INSERT INTO github_deliveries (id, event, payload, received_at,"
                            + " run_after) VALUES (:id, :event, :payload, :now, :now)"
                            + " ON CONFLICT (id) DO NOTHING")
                    .bind("id", id)
                    .bind("event", event)
                    .bind("payload", payload)
                    .bind("now", now)
                    .execute())
        == 1;
  }

  /** The oldest delivery due for handling that no live lease holds, now claimed by {@code node}. */
  Optional<Delivery> claim(String node) {
    long now = clock.millis();
    List<String> due =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT id FROM github_deliveries WHERE done_at IS NULL AND run_after"
                                + " <= :now AND (claimed_until IS NULL OR claimed_until < :now)"
                                + " ORDER BY received_at, id LIMIT 8")
                        .bind("now", now)
                        .mapTo(String.class)
                        .list());
    for (String id : due) {
      Optional<Delivery> claimed = claimOne(id, node, now);
      if (claimed.isPresent()) {
        return claimed;
      }
    }
    return Optional.empty();
  }

  private Optional<Delivery> claimOne(String id, String node, long now) {
    return database.write(
        handle -> {
          int taken =
              handle
                  .createUpdate(
                      "UPDATE github_deliveries SET claimed_by = :node, claimed_until = :until,"
                          + " attempts = attempts + 1 WHERE id = :id AND done_at IS NULL AND"
                          + " (claimed_until IS NULL OR claimed_until < :now)")
                  .bind("node", node)
                  .bind("until", now + LEASE.toMillis())
                  .bind("id", id)
                  .bind("now", now)
                  .execute();
          if (taken == 0) {
            return Optional.<Delivery>empty();
          }
          return handle
              .createQuery(
                  "SELECT id, event, payload, attempts FROM github_deliveries WHERE id = :id")
              .bind("id", id)
              .map(
                  (row, ctx) ->
                      new Delivery(
                          row.getString("id"),
                          row.getString("event"),
                          row.getString("payload"),
                          row.getInt("attempts")))
              .findOne();
        });
  }

  /** Handled (or given up on): the payload goes, the row stays to recognise redeliveries. */
  void done(String id, String outcome) {
    database.write(
        handle ->
            handle
                .createUpdate(
                    "UPDATE github_deliveries SET done_at = :now, payload = NULL, outcome ="
                        + " :outcome, claimed_until = NULL WHERE id = :id")
                .bind("now", clock.millis())
                .bind("outcome", outcome.length() <= 500 ? outcome : outcome.substring(0, 500))
                .bind("id", id)
                .execute());
  }

  /** Handling failed in a way worth trying again after {@code wait}. */
  void retryAfter(String id, Duration wait, String reason) {
    database.write(
        handle ->
            handle
                .createUpdate(
                    "UPDATE github_deliveries SET run_after = :at, claimed_until = NULL, outcome ="
                        + " :reason WHERE id = :id")
                .bind("at", clock.millis() + wait.toMillis())
                .bind("reason", reason.length() <= 500 ? reason : reason.substring(0, 500))
                .bind("id", id)
                .execute());
  }

  /** Forgets handled deliveries older than {@code keep} (GitHub redelivers for a few days). */
  int prune(Duration keep) {
    return database.write(
        handle ->
            handle
                .createUpdate(
                    "DELETE FROM github_deliveries WHERE done_at IS NOT NULL AND received_at <"
                        + " :before")
                .bind("before", clock.millis() - keep.toMillis())
                .execute());
  }

  /** Deliveries stored and not yet handled (for tests and metrics). */
  long pending() {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT COUNT(*) FROM github_deliveries WHERE done_at IS NULL")
                    .mapTo(Long.class)
                    .one());
  }
}
