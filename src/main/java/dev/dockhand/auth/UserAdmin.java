package dev.dockhand.auth;

import dev.dockhand.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * What admins see of and do to users: their state, spend and budget overrides; disabling (which
 * ends their sessions in the same transaction) and enabling; setting the overrides. Who may call
 * this is the caller's to check. Thread-safe.
 */
public final class UserAdmin {
  /** The most users one listing page holds. */
  public static final int MAX_PAGE = 200;

  private final Database database;
  private final Clock clock;

  public UserAdmin(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * A user as admins see them. Spend is in US dollars from {@code user_spend}, for the current UTC
   * day and month; an empty budget falls back to DOCKHAND_USER_*_BUDGET_USD.
   */
  public record Entry(
      User user,
      Instant createdAt,
      Optional<Instant> disabledAt,
      double spentTodayUsd,
      double spentThisMonthUsd,
      Optional<Double> dailyBudgetUsd,
      Optional<Double> monthlyBudgetUsd) {}

  /** One page of users; {@code nextAfter} is the id to list after for the next, if any. */
  public record Listing(List<Entry> users, Optional<Long> nextAfter) {}

  /** Users with an id above {@code afterId}, by id, at most {@code limit} of them. */
  public Listing list(long afterId, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("limit " + limit);
    }
    List<Entry> rows =
        database
            .jdbi()
            .withHandle(
                handle -> select(handle, "id > :key ORDER BY id LIMIT :limit", afterId, limit + 1));
    return rows.size() <= limit
        ? new Listing(rows, Optional.empty())
        : new Listing(rows.subList(0, limit), Optional.of(rows.get(limit - 1).user().id()));
  }

  public Optional<Entry> find(long id) {
    return database
        .jdbi()
        .withHandle(handle -> select(handle, "id = :key", id, 1).stream().findFirst());
  }

  /** The id of the user with this login (compared without case), if there is one. */
  public Optional<Long> idOf(String login) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT id FROM users WHERE lower(login) = lower(:login)")
                    .bind("login", login)
                    .mapTo(Long.class)
                    .findFirst());
  }

  private List<Entry> select(Handle handle, String where, long key, int limit) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return handle
        .createQuery(
            "SELECT "
                + Users.COLUMNS
                + ", created_at, daily_budget_usd, monthly_budget_usd,"
                + " COALESCE(spent_today, 0) AS spent_today,"
                + " COALESCE(spent_month, 0) AS spent_month"
                + " FROM users LEFT JOIN (SELECT user_id,"
                + " SUM(CASE WHEN day = :today THEN cost_usd ELSE 0 END) AS spent_today,"
                + " SUM(cost_usd) AS spent_month FROM user_spend"
                + " WHERE day >= :monthStart AND day <= :today GROUP BY user_id) spend"
                + " ON spend.user_id = users.id WHERE "
                + where)
        .bind("today", today.toString())
        .bind("monthStart", today.withDayOfMonth(1).toString())
        .bind("key", key)
        .bind("limit", limit)
        .map(UserAdmin::entry)
        .list();
  }

  private static Entry entry(ResultSet row, StatementContext context) throws SQLException {
    long disabledAt = row.getLong("disabled_at");
    boolean disabled = !row.wasNull();
    return new Entry(
        Users.user(row, context),
        Instant.ofEpochMilli(row.getLong("created_at")),
        disabled ? Optional.of(Instant.ofEpochMilli(disabledAt)) : Optional.empty(),
        row.getDouble("spent_today"),
        row.getDouble("spent_month"),
        number(row, "daily_budget_usd"),
        number(row, "monthly_budget_usd"));
  }

  private static Optional<Double> number(ResultSet row, String column) throws SQLException {
    double value = row.getDouble(column);
    return row.wasNull() ? Optional.empty() : Optional.of(value);
  }

  /**
   * Disables the user and ends their sessions; their tokens stay, refused while disabled. Already
   * disabled keeps the first time. False when there is no such user.
   */
  public boolean disable(long id) {
    long now = clock.millis();
    return database.write(
        handle -> {
          int changed =
              handle
                  .createUpdate(
                      "UPDATE users SET disabled_at = COALESCE(disabled_at, :now),"
                          + " updated_at = :now WHERE id = :id")
                  .bind("now", now)
                  .bind("id", id)
                  .execute();
          handle.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", id).execute();
          return changed > 0;
        });
  }

  /** Lets the user in again; false when there is no such user. */
  public boolean enable(long id) {
    return database.write(
        handle ->
            handle
                    .createUpdate(
                        "UPDATE users SET disabled_at = NULL, updated_at = :now WHERE id = :id")
                    .bind("now", clock.millis())
                    .bind("id", id)
                    .execute()
                > 0);
  }

  /**
   * Sets the user's spend limits in US dollars; empty means the server-wide default. False when
   * there is no such user.
   */
  public boolean setBudget(long id, Optional<Double> dailyUsd, Optional<Double> monthlyUsd) {
    return database.write(
        handle ->
            handle
                    .createUpdate(
                        "UPDATE users SET daily_budget_usd = :daily, monthly_budget_usd = :monthly,"
                            + " updated_at = :now WHERE id = :id")
                    .bind("daily", dailyUsd.orElse(null))
                    .bind("monthly", monthlyUsd.orElse(null))
                    .bind("now", clock.millis())
                    .bind("id", id)
                    .execute()
                > 0);
  }
}
