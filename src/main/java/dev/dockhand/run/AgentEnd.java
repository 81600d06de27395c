package dev.dockhand.run;

import dev.dockhand.DockhandException;
import dev.dockhand.agent.AgentOutcome;

/**
 * How the agent's part of an attempt ended, for the pipeline to act on: it finished its turn (the
 * work is published with a pull request), or a limit stopped it (the task fails, but the work so
 * far is pushed first). Anything else the agent throws ends the attempt as it is.
 */
sealed interface AgentEnd {
  /** The model ended its turn; {@code outcome} holds its summary and usage. */
  record Finished(AgentOutcome outcome) implements AgentEnd {}

  /**
   * A limit stopped the run: {@code limit} carries its code ({@code max_turns}, {@code
   * budget_exceeded}, {@code max_duration}, a spend ceiling, {@code event_limit}) and message.
   */
  record Limited(DockhandException limit) implements AgentEnd {}
}
