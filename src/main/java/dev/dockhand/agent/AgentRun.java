package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaContentBlock;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.BetaMessageParam;
import com.anthropic.models.beta.messages.BetaStopReason;
import com.anthropic.models.beta.messages.BetaToolUseBlock;
import com.anthropic.models.beta.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.EventPayload.AssistantMessage;
import dev.dockhand.events.EventPayload.ToolCall;
import dev.dockhand.events.EventPayload.UserMessage;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import dev.dockhand.sandbox.SandboxContainer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of the agent loop for one task attempt. Not thread-safe: one virtual thread owns it. */
final class AgentRun {
  private static final Logger log = LoggerFactory.getLogger(AgentRun.class);
  static final String CONTINUE =
      "Your previous response was cut off at the max_tokens limit. Continue exactly where you left"
          + " off.";

  private final AgentSettings settings;
  private final PriceTable prices;
  private final Clock clock;
  private final ModelClient model;
  private final Toolbox toolbox;
  private final Task task;
  private final SandboxContainer container;
  private final TaskContext context;
  private final String modelName;

  private final StreamHandle stream = new StreamHandle();
  private final Instant started;
  private final Instant deadline;
  private final ContextKeeper keeper;

  private Conversation conversation;
  private SystemBlocks system;
  private int turns;
  private Usage usage = Usage.ZERO;
  private boolean firstTokenSeen;
  private String stopReason = "end_turn";

  AgentRun(
      AgentSettings settings,
      PriceTable prices,
      Clock clock,
      ModelClient model,
      Toolbox toolbox,
      Map<String, ContextSettings> taken,
      Task task,
      SandboxContainer container,
      TaskContext context) {
    this.settings = settings;
    this.prices = prices;
    this.clock = clock;
    this.model = model;
    this.toolbox = toolbox;
    this.task = task;
    this.container = container;
    this.context = context;
    this.modelName =
        task.model() == null || task.model().isBlank() ? settings.model() : task.model();
    this.started = clock.instant();
    this.deadline = started.plus(settings.maxDuration());
    this.keeper =
        new ContextKeeper(
            settings.context(),
            taken,
            modelName,
            new ContextSummary(model, stream),
            context,
            task.id());
  }

  /**
   * @param guidance the repository's guidance once it is known; until then the system prompt holds
   *     the rules alone, and it changes once, on the first turn after
   */
  AgentOutcome execute(
      Conversation resumed, CompletableFuture<Optional<SystemPrompt.Guidance>> guidance) {
    context.onCancel(stream::cancel);
    system = new SystemBlocks(task, settings.promptCaching(), guidance);
    conversation = resumed;
    if (conversation.isEmpty()) {
      say(task.prompt(), false);
    }
    boolean ended = false;
    while (true) {
      stopIfCancelled();
      boolean heard = takeFollowUps();
      if (!heard && (ended || !conversation.awaitsModel())) {
        return new AgentOutcome(
            conversation.lastAssistantText().orElse(""), turns, usage, stopReason);
      }
      checkLimits();
      ended = answer(turn());
    }
  }

  /**
   * Follow-ups were stored as message.user events when they were posted; only the model needs them
   * now.
   */
  private boolean takeFollowUps() {
    List<String> messages = context.takeMessages();
    messages.forEach(conversation::addUserText);
    return !messages.isEmpty();
  }

  private void say(String text, boolean synthetic) {
    context.events().append(new UserMessage(text, synthetic));
    conversation.addUserText(text);
  }

  private void checkLimits() {
    if (turns >= task.maxTurns()) {
      throw new AgentLimitException(
          AgentLimitException.MAX_TURNS,
          "the task reached its limit of " + task.maxTurns() + " model turns");
    }
    double spent = task.usage().costUsd() + usage.costUsd();
    if (spent > 0 && spent >= task.budgetUsd()) {
      throw new AgentLimitException(
          AgentLimitException.BUDGET_EXCEEDED,
          String.format("the task spent $%.4f of its $%.2f budget", spent, task.budgetUsd()));
    }
    // The owner's other tasks spend from the same ledger, so it is read again before every turn.
    context
        .ownerSpendLimit()
        .ifPresent(
            reached -> {
              throw AgentLimitException.ownerAt(reached);
            });
    if (remaining().isNegative() || remaining().isZero()) {
      throw new AgentLimitException(
          AgentLimitException.MAX_DURATION,
          "the task ran for its longest allowed time of "
              + settings.maxDuration().toMinutes()
              + " minutes");
    }
  }

  /**
   * One model turn, repeated when its stream breaks after it began, and after the conversation was
   * compacted when the API said it no longer fits.
   */
  private BetaMessage turn() {
    Duration backoff = settings.turnRetryBackoff();
    for (int attempt = 0; ; attempt++) {
      try {
        return model.turn(request(), stream, this::firstToken, context.events()::delta);
      } catch (ModelClient.StreamBroke broke) {
        stopIfCancelled();
        if (attempt >= settings.turnRetries()) {
          throw broke.failure;
        }
        log.warn("task {}: {}; repeating the turn", task.id(), broke.failure.getMessage());
        stream.awaitCancel(backoff);
        stopIfCancelled();
        backoff = backoff.multipliedBy(2);
      } catch (DockhandException failure) {
        stopIfCancelled();
        if (failure.code().equals(ModelErrors.PROMPT_TOO_LONG)) {
          summarise(failure);
        } else if (!(failure.code().equals(ModelErrors.NO_CONTEXT_MANAGEMENT)
            && keeper.dropServerSide(failure))) {
          throw failure;
        }
      }
    }
  }

  private void summarise(DockhandException tooLong) {
    spend(keeper.tooLong(tooLong, conversation, modelName, task.prompt(), prices));
    checkLimits();
  }

  private void spend(Usage more) {
    usage = usage.plus(more);
    context.usage(usage);
  }

  private MessageCreateParams request() {
    boolean cache = settings.promptCaching();
    List<BetaMessageParam> messages = conversation.toParams(cache);
    MessageCreateParams.Builder request =
        MessageCreateParams.builder()
            .model(modelName)
            .maxTokens(settings.maxTokens())
            .systemOfBetaTextBlockParams(system.current())
            .tools(Toolbox.definitions(cache))
            .messages(messages);
    keeper.configure(request, ContextKeeper.chars(messages));
    return request.build();
  }

  private void firstToken() {
    if (!firstTokenSeen) {
      firstTokenSeen = true;
      context.timing("firstToken", Duration.between(started, clock.instant()).toMillis());
    }
  }

  /** Records the reply and runs its tool calls; true when the model ended its turn. */
  private boolean answer(BetaMessage reply) {
    turns++;
    stopReason = reply.stopReason().map(BetaStopReason::asString).orElse("unknown");
    Usage turnUsage = usageOf(reply);
    spend(turnUsage);
    boolean windowFull = stopReason.equals(Replies.WINDOW_EXCEEDED);
    boolean cutOff = Replies.cutOff(stopReason);
    List<BetaContentBlock> kept = Replies.kept(reply.content(), cutOff);
    JsonNode content = ObjectMappers.jsonMapper().valueToTree(kept);
    context.events().append(new AssistantMessage(content, stopReason, turnUsage));
    if (!kept.isEmpty()) {
      conversation.addAssistant(kept.stream().map(BetaContentBlock::toParam).toList());
    }
    keeper.answered(reply, conversation);
    List<BetaToolUseBlock> calls =
        kept.stream().filter(BetaContentBlock::isToolUse).map(BetaContentBlock::asToolUse).toList();
    for (BetaToolUseBlock call : calls) {
      runTool(call);
    }
    if (cutOff) {
      say(CONTINUE, true);
      if (windowFull) {
        summarise(
            new DockhandException(
                ModelErrors.PROMPT_TOO_LONG,
                "the model's context window filled up while it answered (prompt is too long)",
                false,
                null));
      }
      return false;
    }
    return calls.isEmpty();
  }

  private Usage usageOf(BetaMessage reply) {
    Usage turnUsage = TurnUsage.of(prices, modelName, reply.usage());
    TurnUsage.log(task.id(), turns, turnUsage);
    return turnUsage;
  }

  private void runTool(BetaToolUseBlock call) {
    stopIfCancelled();
    JsonNode input = call._input().convert(JsonNode.class);
    context.events().append(new ToolCall(call.id(), call.name(), input));
    Duration left = remaining();
    if (left.isNegative() || left.isZero()) {
      checkLimits();
    }
    Duration timeout = left.compareTo(settings.toolTimeout()) < 0 ? left : settings.toolTimeout();
    Instant began = clock.instant();
    ToolResult result;
    try {
      result = toolbox.run(container, call.name(), input, timeout);
    } catch (RuntimeException failure) {
      stopIfCancelled(); // a cancel kills the container under the command: report the cancel
      throw failure;
    }
    // Stopped while the command ran (or waited for the container): its result is no answer.
    stopIfCancelled();
    long durationMs = Duration.between(began, clock.instant()).toMillis();
    context
        .events()
        .append(
            new EventPayload.ToolResult(call.id(), result.output(), result.isError(), durationMs));
    conversation.addToolResult(call.id(), result.output(), result.isError());
  }

  private Duration remaining() {
    return Duration.between(clock.instant(), deadline);
  }

  private void stopIfCancelled() {
    if (context.cancelled() || stream.cancelled()) {
      throw new DockhandException("cancelled", "the task was cancelled", false, null);
    }
  }
}
