package dev.dockhand.agent;

import dev.dockhand.DockhandException;

/**
 * A task reached one of its limits: {@code max_turns}, {@code budget_exceeded} or {@code
 * max_duration}. Never retryable: running again would hit the same limit.
 */
public class AgentLimitException extends DockhandException {
  public static final String MAX_TURNS = "max_turns";
  public static final String BUDGET_EXCEEDED = "budget_exceeded";
  public static final String MAX_DURATION = "max_duration";

  public AgentLimitException(String code, String message) {
    super(code, message, false, null);
  }
}
