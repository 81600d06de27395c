package dev.dockhand.queue;

import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The ledger of model spend per person per UTC day (table {@code user_spend}), which every task of
 * the person on every node adds to as each model turn is paid for, and reads before the next turn
 * and on submit. Two tasks of one person may each finish the turn they are in when the limit is
 * reached, so the limit can be passed by at most one turn per running task. Stateless and
 * thread-safe.
 */
public final class UserSpend {
  private static final String DAILY = "daily";
  private static final String MONTHLY = "monthly";

  private final Database database;
  private final Clock clock;
  private final double dailyDefaultUsd;
  private final double monthlyDefaultUsd;

  UserSpend(Database database, Clock clock, SubmitRules rules) {
    this.database = database;
    this.clock = clock;
    this.dailyDefaultUsd = rules.userDailyBudgetUsd();
    this.monthlyDefaultUsd = rules.userMonthlyBudgetUsd();
  }

  /** Adds what a model turn cost to the person's row for the current UTC day. */
  public void add(long userId, double costUsd) {
    if (!(costUsd > 0)) {
      return;
    }
    String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
    database.write(
        handle ->
            handle.execute(
                "INSERT INTO user_spend(user_id, day, cost_usd) VALUES (?, ?, ?)"
                    + " ON CONFLICT (user_id, day)"
                    + " DO UPDATE SET cost_usd = user_spend.cost_usd + excluded.cost_usd",
                userId,
                day,
                costUsd));
  }

  /** What the person has spent today and this month (UTC). */
  public Spent spent(long userId) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return database.jdbi().withHandle(handle -> spent(handle, userId, today));
  }

  /**
   * The person's spend limit that is reached now, if any: the monthly one when both are, as it is
   * the one that lasts. A limit counts as reached once spend is at or over it.
   */
  public Optional<SpendLimitReached> limitReached(long userId) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return database
        .jdbi()
        .withHandle(
            handle -> {
              Limits limits = limits(handle, userId);
              Spent spent = spent(handle, userId, today);
              if (spent.monthUsd() >= limits.monthlyUsd()) {
                return Optional.of(
                    reached(
                        MONTHLY,
                        limits.monthlyUsd(),
                        spent.monthUsd(),
                        limits.monthlyByAdmin(),
                        now,
                        today.withDayOfMonth(1).plusMonths(1)));
              }
              if (spent.todayUsd() >= limits.dailyUsd()) {
                return Optional.of(
                    reached(
                        DAILY,
                        limits.dailyUsd(),
                        spent.todayUsd(),
                        limits.dailyByAdmin(),
                        now,
                        today.plusDays(1)));
              }
              return Optional.empty();
            });
  }

  private static SpendLimitReached reached(
      String period, double limit, double spent, boolean byAdmin, Instant now, LocalDate resetDay) {
    Instant reset = resetDay.atStartOfDay(ZoneOffset.UTC).toInstant();
    Duration wait = Duration.between(now, reset);
    return new SpendLimitReached(period, limit, spent, byAdmin, reset, wait);
  }

  private Limits limits(Handle handle, long userId) {
    return handle
        .select("SELECT daily_budget_usd, monthly_budget_usd FROM users WHERE id = ?", userId)
        .map(
            (rs, ctx) -> {
              double daily = rs.getDouble("daily_budget_usd");
              boolean dailyByAdmin = !rs.wasNull();
              double monthly = rs.getDouble("monthly_budget_usd");
              boolean monthlyByAdmin = !rs.wasNull();
              return new Limits(
                  dailyByAdmin ? daily : dailyDefaultUsd,
                  dailyByAdmin,
                  monthlyByAdmin ? monthly : monthlyDefaultUsd,
                  monthlyByAdmin);
            })
        .findOne()
        .orElse(new Limits(dailyDefaultUsd, false, monthlyDefaultUsd, false));
  }

  private static Spent spent(Handle handle, long userId, LocalDate today) {
    return handle
        .select(
            "SELECT COALESCE(SUM(CASE WHEN day = ? THEN cost_usd ELSE 0 END), 0) AS today,"
                + " COALESCE(SUM(cost_usd), 0) AS month"
                + " FROM user_spend WHERE user_id = ? AND day >= ? AND day <= ?",
            today.toString(),
            userId,
            today.withDayOfMonth(1).toString(),
            today.toString())
        .map((rs, ctx) -> new Spent(rs.getDouble("today"), rs.getDouble("month")))
        .one();
  }

  /** Spend in US dollars today and this month, UTC. */
  public record Spent(double todayUsd, double monthUsd) {}

  private record Limits(
      double dailyUsd, boolean dailyByAdmin, double monthlyUsd, boolean monthlyByAdmin) {}
}
