package dev.dockhand.agent;

import dev.dockhand.events.Event;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.SandboxContainer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Claude working inside a task's container: a streaming tool-use loop over the Messages API with
 * the {@code bash} and {@code str_replace_based_edit_tool} client tools, prompt caching, usage and
 * cost, and the task's limits. One instance serves every task of a node; it is thread-safe, and
 * each {@link #run} keeps its own state. Close it to release the SDK client.
 *
 * <p>A run ends normally when the model ends its turn and no follow-up is waiting. It throws {@link
 * AgentLimitException} at {@code max_turns}, {@code budget_exceeded}, {@code max_duration} or
 * {@code user_budget_exceeded} (the owner's daily or monthly spend limit); a retryable {@code
 * DockhandException} ({@code model_unavailable}) when the API stays unavailable after the SDK's and
 * the loop's retries; a non-retryable one naming the cause when the API rejects the key or the
 * request; and one with code {@code cancelled} when the task is cancelled.
 */
public final class AgentLoop implements AutoCloseable {
  private final AgentSettings settings;
  private final PriceTable prices;
  private final Clock clock;
  private final ModelClient model;
  private final Toolbox toolbox;
  private final Map<String, ContextSettings> contextTaken = new ConcurrentHashMap<>();

  public AgentLoop(AgentSettings settings, Clock clock) {
    this(settings, settings.prices(), clock);
  }

  public AgentLoop(AgentSettings settings, PriceTable prices, Clock clock) {
    this.settings = settings;
    this.prices = prices;
    this.clock = clock;
    this.model = new ModelClient(settings);
    this.toolbox = new Toolbox(settings.toolOutputCapChars());
  }

  /**
   * Runs the agent for {@code task} in {@code container} until it finishes or stops. {@code
   * priorEvents} are the task's stored events (empty for a new task): their conversation is
   * resumed, and the task's prompt is sent only when they hold none.
   */
  public AgentOutcome run(
      Task task, SandboxContainer container, TaskContext context, List<Event> priorEvents) {
    return new AgentRun(
            settings, prices, clock, model, toolbox, contextTaken, task, container, context)
        .execute(
            Conversation.fromEvents(priorEvents),
            CompletableFuture.completedFuture(SystemPrompt.readGuidance(container)));
  }

  /** Reads a file of the commit the task starts from: at most {@code maxBytes + 1} bytes. */
  @FunctionalInterface
  public interface StartFiles {
    Optional<byte[]> read(String path, int maxBytes);
  }

  /**
   * The same, started before the container is ready (a warm start): the first model turn goes out
   * at once, every tool call waits for {@code container}, and the repository's guidance joins the
   * system prompt from the first turn after {@code files} is known (the clone has finished).
   */
  public AgentOutcome run(
      Task task,
      SandboxContainer container,
      TaskContext context,
      List<Event> priorEvents,
      CompletableFuture<StartFiles> files) {
    return new AgentRun(
            settings, prices, clock, model, toolbox, contextTaken, task, container, context)
        .execute(Conversation.fromEvents(priorEvents), files.thenApply(SystemPrompt::readGuidance));
  }

  @Override
  public void close() {
    model.close();
  }
}
