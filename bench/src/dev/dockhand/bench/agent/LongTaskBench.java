package dev.dockhand.bench.agent;

import dev.dockhand.agent.AgentLoop;
import dev.dockhand.agent.AgentOutcome;
import dev.dockhand.agent.AgentSettings;
import dev.dockhand.config.Env;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.TestTrees;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.LongTaskScript;
import dev.dockhand.testkit.PromptCacheSimulator;
import dev.dockhand.testkit.RecordingTaskContext;
import dev.dockhand.testkit.TestSandbox;
import dev.dockhand.testkit.TestTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A long task against a 200k-token window: 300 scripted turns, each a bash call whose result is
 * 20,000 characters (real commands in a real container), against a stand-in that enforces the
 * window, implements the API's context management and applies the prompt-cache rules. Runs with the
 * loop's context management (tool-result clearing and server-side compaction, the defaults), then
 * without it as the baseline (only Dockhand's own summarising when the API says the prompt is too
 * long), and reports for each the peak prompt, the peak request, the share of input tokens served
 * from cache (goal: at least 85% with context management) and the cost at Sonnet prices, and their
 * ratio. Usage: long-task.sh [turns] [result characters].
 */
public final class LongTaskBench {
  private static final String KEY = "sk-ant-bench-long-0000";

  private record Run(
      String name,
      AgentOutcome outcome,
      long peakPrompt,
      long peakRequestBytes,
      int requests,
      Map<String, Long> compactions,
      long millis) {}

  private LongTaskBench() {}

  public static void main(String[] args) throws Exception {
    int turns = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int chars = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    Run managed = run("with context management", turns, chars, Map.of());
    Run baseline =
        run(
            "without (summarising only)",
            turns,
            chars,
            Map.of("DOCKHAND_CONTEXT_COMPACT_AT", "0", "DOCKHAND_CONTEXT_CLEAR_TOOLS_AT", "0"));
    System.out.printf(
        "%nLong task: %d turns, tool results of %,d characters, 200,000-token window%n",
        turns, chars);
    System.out.printf(
        "%-28s %7s %12s %14s %9s %10s %9s  %s%n",
        "run",
        "turns",
        "peak prompt",
        "peak request",
        "cached %",
        "cost",
        "seconds",
        "compactions");
    for (Run run : List.of(managed, baseline)) {
      Usage usage = run.outcome().usage();
      long all = usage.inputTokens() + usage.cacheReadTokens() + usage.cacheWriteTokens();
      System.out.printf(
          "%-28s %7d %12d %12d B %8.1f%% %10.4f %9.1f  %s%n",
          run.name(),
          run.outcome().turns(),
          run.peakPrompt(),
          run.peakRequestBytes(),
          100.0 * usage.cacheReadTokens() / all,
          usage.costUsd(),
          run.millis() / 1000.0,
          run.compactions());
    }
    double share =
        (double) managed.outcome().usage().cacheReadTokens()
            / (managed.outcome().usage().inputTokens()
                + managed.outcome().usage().cacheReadTokens()
                + managed.outcome().usage().cacheWriteTokens());
    System.out.printf(
        "%nshare of input tokens from cache with context management: %.1f%% (goal >= 85%%)%n",
        100 * share);
    System.out.printf(
        "cost with context management vs without: %.3f%n",
        managed.outcome().usage().costUsd() / baseline.outcome().usage().costUsd());
  }

  private static Run run(String name, int turns, int chars, Map<String, String> env)
      throws Exception {
    Path workspace = Files.createTempDirectory("dockhand-bench-long-");
    Task task = TestTasks.running("Run the " + turns + " numbered steps", turns + 10, 10_000.0);
    RecordingTaskContext context = new RecordingTaskContext(task);
    long started = System.nanoTime();
    try (AnthropicStandIn api =
            AnthropicStandIn.start(KEY)
                .usageModel(new PromptCacheSimulator())
                .respondWith(new LongTaskScript(turns, chars));
        SandboxContainer container = TestSandbox.start(task.id(), workspace);
        AgentLoop loop = new AgentLoop(settings(api, env), Clock.systemUTC())) {
      AgentOutcome outcome = loop.run(task, container, context, List.of());
      long millis = (System.nanoTime() - started) / 1_000_000;
      long peakBytes =
          api.answered().stream().mapToLong(r -> r.body().toString().length()).max().orElse(0);
      Map<String, Long> compactions =
          context.events(EventKind.CONTEXT_COMPACTED).stream()
              .collect(
                  Collectors.groupingBy(
                      event -> event.data().path("strategy").asText(), Collectors.counting()));
      return new Run(
          name,
          outcome,
          Collections.max(api.promptSizes()),
          peakBytes,
          api.answered().size(),
          compactions,
          millis);
    } finally {
      TestTrees.delete(workspace);
    }
  }

  private static AgentSettings settings(AnthropicStandIn api, Map<String, String> env) {
    Map<String, String> values = new HashMap<>(env);
    values.put("ANTHROPIC_API_KEY", KEY);
    values.put("ANTHROPIC_BASE_URL", api.baseUrl().toString());
    return AgentSettings.from(new Env(values));
  }
}
