package dev.dockhand.agent;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How the agent talks to the model and where it stops.
 *
 * @param apiKey ANTHROPIC_API_KEY: required to run tasks
 * @param baseUrl ANTHROPIC_BASE_URL (default https://api.anthropic.com)
 * @param model DOCKHAND_MODEL (default claude-sonnet-4-5): a task may name another
 * @param maxTurns DOCKHAND_MAX_TURNS (default 50): model turns per task unless the task says
 * @param budgetUsd DOCKHAND_BUDGET_USD (default 5.00): spend per task unless the task says
 * @param maxDuration DOCKHAND_MAX_DURATION (default 60m): wall time per attempt
 * @param maxTokens DOCKHAND_MAX_TOKENS (default 8192): max_tokens of one model response
 */
public record AgentSettings(
    Optional<Secret> apiKey,
    URI baseUrl,
    String model,
    int maxTurns,
    double budgetUsd,
    Duration maxDuration,
    int maxTokens) {

  public static AgentSettings from(Env env) {
    return new AgentSettings(
        env.secret("ANTHROPIC_API_KEY"),
        env.url("ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
        env.string("DOCKHAND_MODEL", "claude-sonnet-4-5"),
        env.integer("DOCKHAND_MAX_TURNS", 50, 1, 10_000),
        env.decimal("DOCKHAND_BUDGET_USD", 5.0, 0.0, 100_000),
        env.duration(
            "DOCKHAND_MAX_DURATION", Duration.ofMinutes(60), Duration.ofSeconds(1), Duration.ofDays(2)),
        env.integer("DOCKHAND_MAX_TOKENS", 8192, 1, 128_000));
  }
}
