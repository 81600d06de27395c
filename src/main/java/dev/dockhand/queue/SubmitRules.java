package dev.dockhand.queue;

/**
 * What the queue holds each person's submissions to, resolved once at start-up from the agent's and
 * the server's settings (see {@code AgentSettings.submitRules}), so that a task's defaults are
 * fixed when it is stored.
 *
 * @param model the model of a task that names none (DOCKHAND_MODEL)
 * @param maxTurns the turn limit of a task that sets none (DOCKHAND_MAX_TURNS)
 * @param budgetUsd the budget of a task that sets none (DOCKHAND_BUDGET_USD, US dollars)
 * @param maxActivePerUser DOCKHAND_MAX_ACTIVE_TASKS_PER_USER: queued plus running tasks per person
 * @param maxMessagesPerTask {@value #MAX_MESSAGES_PER_TASK}: follow-ups one task may take
 * @param userDailyBudgetUsd {@value #USER_DAILY_BUDGET}: a person's spend per UTC day, unless an
 *     admin set theirs
 * @param userMonthlyBudgetUsd {@value #USER_MONTHLY_BUDGET}: the same per UTC month
 */
public record SubmitRules(
    String model,
    int maxTurns,
    double budgetUsd,
    int maxActivePerUser,
    int maxMessagesPerTask,
    double userDailyBudgetUsd,
    double userMonthlyBudgetUsd) {
  public static final String USER_DAILY_BUDGET = "DOCKHAND_USER_DAILY_BUDGET_USD";
  public static final String USER_MONTHLY_BUDGET = "DOCKHAND_USER_MONTHLY_BUDGET_USD";
  public static final String MAX_MESSAGES_PER_TASK = "DOCKHAND_MAX_MESSAGES_PER_TASK";
}
