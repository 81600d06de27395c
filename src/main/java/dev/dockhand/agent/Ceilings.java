package dev.dockhand.agent;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.queue.SubmitRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one request, one task and one person may ask of the model, whatever a request says. Checked
 * on submit (a request over a ceiling is a 400 naming the field), before each model turn (the
 * owner's spend), and on follow-ups. Immutable and thread-safe.
 *
 * @param models DOCKHAND_MODELS (comma list): the model ids a task may name; an entry ending in
 *     {@code *} allows every id that starts with the rest. Default: every model family the price
 *     table knows ({@code claude-sonnet-4*} and the others, and any DOCKHAND_PRICES entry), plus
 *     DOCKHAND_MODEL: the models the server can price, so that budgets and spend limits count real
 *     prices rather than the dearest-model guess. The default model must be one of them
 * @param maxTaskBudgetUsd DOCKHAND_MAX_TASK_BUDGET_USD (default 25.00, in US dollars): the largest
 *     {@code budgetUsd} a task may ask for; DOCKHAND_BUDGET_USD may not exceed it
 * @param maxTaskTurns DOCKHAND_MAX_TASK_TURNS (default 200): the largest {@code maxTurns} a task
 *     may ask for; DOCKHAND_MAX_TURNS may not exceed it
 * @param userDailyBudgetUsd DOCKHAND_USER_DAILY_BUDGET_USD (default 50.00, in US dollars): model
 *     spend one person may run up per UTC day across all their tasks, unless an admin set another
 *     for them ({@code users.daily_budget_usd})
 * @param userMonthlyBudgetUsd DOCKHAND_USER_MONTHLY_BUDGET_USD (default 500.00, in US dollars): the
 *     same per calendar month (UTC)
 * @param maxMessagesPerTask DOCKHAND_MAX_MESSAGES_PER_TASK (default 200): follow-up messages one
 *     task may take, all attempts together; each one grows the conversation every later turn pays
 *     for
 */
public record Ceilings(
    List<String> models,
    double maxTaskBudgetUsd,
    int maxTaskTurns,
    double userDailyBudgetUsd,
    double userMonthlyBudgetUsd,
    int maxMessagesPerTask) {

  public static final String MODELS = "DOCKHAND_MODELS";
  public static final String MAX_TASK_BUDGET = "DOCKHAND_MAX_TASK_BUDGET_USD";
  public static final String MAX_TASK_TURNS = "DOCKHAND_MAX_TASK_TURNS";
  public static final String USER_DAILY_BUDGET = SubmitRules.USER_DAILY_BUDGET;
  public static final String USER_MONTHLY_BUDGET = SubmitRules.USER_MONTHLY_BUDGET;
  public static final String MAX_MESSAGES_PER_TASK = SubmitRules.MAX_MESSAGES_PER_TASK;

  private static final String ENTRY = "[A-Za-z0-9._:-]{1,100}\\*?";

  public Ceilings {
    models = List.copyOf(models);
  }

  /**
   * Reads the ceilings and checks the defaults a task gets against them.
   *
   * @param model DOCKHAND_MODEL, which must be allowed
   * @param budgetUsd DOCKHAND_BUDGET_USD, which must be within the task budget ceiling
   * @param maxTurns DOCKHAND_MAX_TURNS, which must be within the turn ceiling
   */
  static Ceilings from(Env env, String model, double budgetUsd, int maxTurns, PriceTable prices) {
    Ceilings ceilings =
        new Ceilings(
            models(env, model, prices),
            env.decimal(MAX_TASK_BUDGET, 25.0, 0.01, 100_000),
            env.integer(MAX_TASK_TURNS, 200, 1, 10_000),
            env.decimal(USER_DAILY_BUDGET, 50.0, 0.01, 1_000_000),
            env.decimal(USER_MONTHLY_BUDGET, 500.0, 0.01, 1_000_000),
            env.integer(MAX_MESSAGES_PER_TASK, 200, 1, 100_000));
    if (!ceilings.allowsModel(model)) {
      throw new ConfigException(
          "DOCKHAND_MODEL",
          "'"
              + model
              + "' is not on "
              + MODELS
              + " ("
              + ceilings.modelList()
              + "); add it there"
              + " or choose one of those");
    }
    if (budgetUsd > ceilings.maxTaskBudgetUsd) {
      throw new ConfigException(
          "DOCKHAND_BUDGET_USD",
          String.format(
              Locale.ROOT,
              "is %.2f, over %s %.2f",
              budgetUsd,
              MAX_TASK_BUDGET,
              ceilings.maxTaskBudgetUsd));
    }
    if (maxTurns > ceilings.maxTaskTurns) {
      throw new ConfigException(
          "DOCKHAND_MAX_TURNS",
          "is " + maxTurns + ", over " + MAX_TASK_TURNS + " " + ceilings.maxTaskTurns);
    }
    return ceilings;
  }

  private static List<String> models(Env env, String model, PriceTable prices) {
    List<String> listed = env.list(MODELS, "");
    if (listed.isEmpty()) {
      List<String> known = new ArrayList<>();
      prices.byPrefix().keySet().stream().sorted().forEach(prefix -> known.add(prefix + "*"));
      if (!allows(known, model)) {
        known.add(model);
      }
      return known;
    }
    for (String entry : listed) {
      if (!entry.matches(ENTRY)) {
        throw new ConfigException(
            MODELS,
            "entries must be model ids (letters, digits, '.', '_', ':' or '-'), optionally ending"
                + " in '*', got '"
                + entry
                + "'");
      }
    }
    return listed;
  }

  /** Whether a task may run on {@code model}. */
  public boolean allowsModel(String model) {
    return allows(models, model);
  }

  private static boolean allows(List<String> models, String model) {
    return models.stream()
        .anyMatch(
            entry ->
                entry.endsWith("*")
                    ? model.startsWith(entry.substring(0, entry.length() - 1))
                    : model.equals(entry));
  }

  /** The allowed models as people read them in an error. */
  public String modelList() {
    return String.join(", ", models);
  }
}
