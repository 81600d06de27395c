package dev.dockhand.agent;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.queue.SubmitRules;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How the agent talks to the model and where it stops.
 *
 * @param apiKey ANTHROPIC_API_KEY: required to run tasks; held only by the SDK client
 * @param baseUrl ANTHROPIC_BASE_URL (default https://api.anthropic.com)
 * @param model DOCKHAND_MODEL (default claude-sonnet-4-5): a task may name another on
 *     DOCKHAND_MODELS
 * @param maxTurns DOCKHAND_MAX_TURNS (default 50): model turns per run unless the task says
 * @param budgetUsd DOCKHAND_BUDGET_USD (default 5.00): spend per task unless the task says
 * @param maxDuration DOCKHAND_MAX_DURATION (default 60m): wall time per attempt
 * @param maxTokens DOCKHAND_MAX_TOKENS (default 8192): max_tokens of one model response
 * @param prices DOCKHAND_PRICES (default: built-in prices of current Claude models): extra or
 *     replacement prices in US dollars per million tokens, {@code model=in/out} entries separated
 *     by commas, optionally {@code model=in/out/cacheWrite/cacheRead}; the model is a prefix
 *     matched against the model id; see {@link PriceTable#parse}
 * @param promptCaching DOCKHAND_PROMPT_CACHING (default true): mark the tools, the system prompt
 *     and the conversation's moving end with cache_control breakpoints
 * @param sdkMaxRetries DOCKHAND_MODEL_MAX_RETRIES (default 2): retries the SDK itself makes of a
 *     request that failed with 408/409/429/5xx or a network error, honouring retry-after
 * @param requestTimeout DOCKHAND_MODEL_TIMEOUT (default 10m): longest one model request (the whole
 *     stream) may take
 * @param turnRetries DOCKHAND_MODEL_TURN_RETRIES (default 2): times the loop repeats a turn whose
 *     stream broke (an SSE error event, a dropped connection) after the SDK's own retries; once
 *     spent, the task fails with a retryable {@code model_unavailable}
 * @param turnRetryBackoff DOCKHAND_MODEL_TURN_BACKOFF (default 2s): wait before the first such
 *     repeat, doubled for each further one
 * @param toolTimeout DOCKHAND_TOOL_TIMEOUT (default 5m): longest one bash command may run before it
 *     is killed (never longer than what is left of maxDuration)
 * @param toolOutputCapChars DOCKHAND_TOOL_OUTPUT_CAP_CHARS (default 30000): characters of one tool
 *     result sent to the model; longer output keeps its head and tail around a marker
 * @param context the API's context management (DOCKHAND_CONTEXT_COMPACT_AT,
 *     DOCKHAND_CONTEXT_CLEAR_TOOLS_AT); see {@link ContextSettings}
 * @param ceilings what a request, a task and a person may not exceed; the defaults above must fit
 *     within them
 */
public record AgentSettings(
    Optional<Secret> apiKey,
    URI baseUrl,
    String model,
    int maxTurns,
    double budgetUsd,
    Duration maxDuration,
    int maxTokens,
    PriceTable prices,
    boolean promptCaching,
    int sdkMaxRetries,
    Duration requestTimeout,
    int turnRetries,
    Duration turnRetryBackoff,
    Duration toolTimeout,
    int toolOutputCapChars,
    ContextSettings context,
    Ceilings ceilings) {

  public static AgentSettings from(Env env) {
    String model = env.string("DOCKHAND_MODEL", "claude-sonnet-4-5");
    int maxTurns = env.integer("DOCKHAND_MAX_TURNS", 50, 1, 10_000);
    double budgetUsd = env.decimal("DOCKHAND_BUDGET_USD", 5.0, 0.0, 100_000);
    PriceTable prices =
        PriceTable.defaults()
            .with(
                env.optional("DOCKHAND_PRICES")
                    .map(text -> PriceTable.parse("DOCKHAND_PRICES", text))
                    .orElse(PriceTable.EMPTY));
    return new AgentSettings(
        env.secret("ANTHROPIC_API_KEY"),
        env.url("ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
        model,
        maxTurns,
        budgetUsd,
        env.duration(
            "DOCKHAND_MAX_DURATION",
            Duration.ofMinutes(60),
            Duration.ofSeconds(1),
            Duration.ofDays(2)),
        env.integer("DOCKHAND_MAX_TOKENS", 8192, 1, 128_000),
        prices,
        env.bool("DOCKHAND_PROMPT_CACHING", true),
        env.integer("DOCKHAND_MODEL_MAX_RETRIES", 2, 0, 10),
        env.duration(
            "DOCKHAND_MODEL_TIMEOUT",
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Duration.ofHours(2)),
        env.integer("DOCKHAND_MODEL_TURN_RETRIES", 2, 0, 10),
        env.duration(
            "DOCKHAND_MODEL_TURN_BACKOFF",
            Duration.ofSeconds(2),
            Duration.ZERO,
            Duration.ofMinutes(5)),
        env.duration(
            "DOCKHAND_TOOL_TIMEOUT",
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            Duration.ofHours(6)),
        env.integer("DOCKHAND_TOOL_OUTPUT_CAP_CHARS", 30_000, 1_000, 1_000_000),
        ContextSettings.from(env),
        Ceilings.from(env, model, budgetUsd, maxTurns, prices));
  }

  /** The queue's rules for submissions: these defaults and the ceilings' per-person limits. */
  public SubmitRules submitRules(int maxActivePerUser) {
    return new SubmitRules(
        model,
        maxTurns,
        budgetUsd,
        maxActivePerUser,
        ceilings.maxMessagesPerTask(),
        ceilings.userDailyBudgetUsd(),
        ceilings.userMonthlyBudgetUsd());
  }
}
