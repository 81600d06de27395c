package dev.dockhand.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A person's daily or monthly spend limit, reached: what it is, where it comes from, what they have
 * spent, and when it resets (the next UTC midnight, or the first of next month).
 *
 * @param period {@code daily} or {@code monthly}
 * @param setByAdmin whether an admin set this limit for the person (else the server's default)
 * @param retryAfter from the moment this was read until {@code resetsAt}
 */
public record SpendLimitReached(
    String period,
    double limitUsd,
    double spentUsd,
    boolean setByAdmin,
    Instant resetsAt,
    Duration retryAfter) {

  /** "daily spend limit of $50.00 (DOCKHAND_USER_DAILY_BUDGET_USD): $50.10 spent today; …". */
  public String describe() {
    String source =
        setByAdmin
            ? "set for this user by an admin"
            : period.equals("daily")
                ? SubmitRules.USER_DAILY_BUDGET
                : SubmitRules.USER_MONTHLY_BUDGET;
    return String.format(
        Locale.ROOT,
        "%s spend limit of $%.2f (%s): $%.2f spent %s; it resets at %s",
        period,
        limitUsd,
        source,
        spentUsd,
        period.equals("daily") ? "today (UTC)" : "this month (UTC)",
        resetsAt);
  }
}
