package dev.dockhand.agent;

import dev.dockhand.events.Usage;

/**
 * How one run of the agent ended.
 *
 * @param summary the last assistant text (the model's own summary of its work), or empty
 * @param turns model turns taken in this run
 * @param usage this run's tokens and cost
 * @param stopReason the last turn's stop reason, normally {@code end_turn}
 */
public record AgentOutcome(String summary, int turns, Usage usage, String stopReason) {}
