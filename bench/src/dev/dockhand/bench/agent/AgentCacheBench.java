package dev.dockhand.bench.agent;

import dev.dockhand.agent.AgentLoop;
import dev.dockhand.agent.AgentSettings;
import dev.dockhand.config.Env;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.TestTrees;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.PromptCacheSimulator;
import dev.dockhand.testkit.RecordingTaskContext;
import dev.dockhand.testkit.ScriptedTurn;
import dev.dockhand.testkit.TestSandbox;
import dev.dockhand.testkit.TestTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * How much of a long task's input the prompt cache serves. The same 20-turn scripted task (real
 * tools in a real container) runs twice against a stand-in that applies the documented cache rules
 * ({@link PromptCacheSimulator}): once with the loop's cache_control breakpoints, once with caching
 * off as the baseline. Prints input tokens per turn for both, the share read from the cache, and
 * the cost ratio at Sonnet prices. Target: at least 90% of input tokens from cache.
 */
public final class AgentCacheBench {
  private static final String KEY = "sk-ant-bench-0000";

  private AgentCacheBench() {}

  public static void main(String[] args) throws Exception {
    List<Usage> cached = run(true);
    List<Usage> baseline = run(false);
    report(cached, baseline);
  }

  private static List<Usage> run(boolean caching) throws Exception {
    Path workspace = Files.createTempDirectory("dockhand-bench-");
    BenchProject.seed(workspace);
    Task task = TestTasks.running(BenchProject.PROMPT, 50, 100.0);
    RecordingTaskContext context = new RecordingTaskContext(task);
    try (AnthropicStandIn api = AnthropicStandIn.start(KEY).usageModel(new PromptCacheSimulator());
        SandboxContainer container = TestSandbox.start(task.id(), workspace);
        AgentLoop loop = new AgentLoop(settings(api, caching), Clock.systemUTC())) {
      api.script(BenchProject.script().toArray(ScriptedTurn[]::new));
      loop.run(task, container, context, List.of());
    } finally {
      TestTrees.delete(workspace);
    }
    return context.events(EventKind.MESSAGE_ASSISTANT).stream()
        .map(AgentCacheBench::usageOf)
        .toList();
  }

  private static AgentSettings settings(AnthropicStandIn api, boolean caching) {
    return AgentSettings.from(
        new Env(
            Map.of(
                "ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", api.baseUrl().toString(),
                "DOCKHAND_PROMPT_CACHING", String.valueOf(caching))));
  }

  private static Usage usageOf(Event event) {
    var usage = event.data().path("usage");
    return new Usage(
        usage.path("inputTokens").asLong(),
        usage.path("outputTokens").asLong(),
        usage.path("cacheReadTokens").asLong(),
        usage.path("cacheWriteTokens").asLong(),
        usage.path("costUsd").asDouble());
  }

  private static void report(List<Usage> cached, List<Usage> baseline) {
    System.out.println("Prompt caching over a 20-turn task (tokens estimated as bytes/4)");
    System.out.printf(
        "%4s  %12s  %12s  %12s  %12s  %8s%n",
        "turn", "no cache", "uncached in", "cache write", "cache read", "cached %");
    for (int turn = 0; turn < cached.size(); turn++) {
      Usage with = cached.get(turn);
      long prompt = promptTokens(with);
      System.out.printf(
          "%4d  %12d  %12d  %12d  %12d  %7.1f%%%n",
          turn + 1,
          baseline.get(turn).inputTokens(),
          with.inputTokens(),
          with.cacheWriteTokens(),
          with.cacheReadTokens(),
          100.0 * with.cacheReadTokens() / prompt);
    }
    Usage withTotal = cached.stream().reduce(Usage.ZERO, Usage::plus);
    Usage baseTotal = baseline.stream().reduce(Usage.ZERO, Usage::plus);
    double share = (double) withTotal.cacheReadTokens() / promptTokens(withTotal);
    System.out.printf("%ninput tokens without caching: %d%n", baseTotal.inputTokens());
    System.out.printf(
        "with caching: %d uncached + %d written + %d read (%d in all)%n",
        withTotal.inputTokens(),
        withTotal.cacheWriteTokens(),
        withTotal.cacheReadTokens(),
        promptTokens(withTotal));
    System.out.printf(
        "share of input tokens served from cache: %.1f%% (target >= 90%%)%n", 100 * share);
    System.out.printf(
        "input cost: %.3f of the baseline (writes at 1.25x, reads at 0.1x)%n",
        (withTotal.inputTokens()
                + 1.25 * withTotal.cacheWriteTokens()
                + 0.1 * withTotal.cacheReadTokens())
            / baseTotal.inputTokens());
    System.out.printf(
        "cost at Sonnet prices: $%.4f with caching vs $%.4f without: ratio %.3f%n",
        withTotal.costUsd(), baseTotal.costUsd(), withTotal.costUsd() / baseTotal.costUsd());
  }

  private static long promptTokens(Usage usage) {
    return usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens();
  }
}
