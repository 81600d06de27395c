package dev.dockhand.agent;

import dev.dockhand.DockhandException;
import dev.dockhand.queue.SpendLimitReached;

/**
 * A task reached one of its limits: {@code max_turns}, {@code budget_exceeded}, {@code
 * max_duration}, or its owner's daily or monthly spend limit ({@code user_budget_exceeded}). Never
 * retryable: running again would hit the same limit. The pipeline keeps the work so far on the
 * task's branch, without a pull request.
 */
public class AgentLimitException extends DockhandException {
  public static final String MAX_TURNS = "max_turns";
  public static final String BUDGET_EXCEEDED = "budget_exceeded";
  public static final String MAX_DURATION = "max_duration";
  public static final String USER_BUDGET_EXCEEDED = "user_budget_exceeded";

  public AgentLimitException(String code, String message) {
    super(code, message, false, null);
  }

  /** The task's owner has no spend left today or this month. */
  public static AgentLimitException ownerAt(SpendLimitReached reached) {
    return new AgentLimitException(
        USER_BUDGET_EXCEEDED, "the task's owner reached their " + reached.describe());
  }
}
