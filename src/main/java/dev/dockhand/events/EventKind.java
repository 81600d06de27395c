package dev.dockhand.events;

import dev.dockhand.events.EventPayload.AssistantMessage;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.EventPayload.ContextCompacted;
import dev.dockhand.events.EventPayload.GitPushed;
import dev.dockhand.events.EventPayload.NetworkBlocked;
import dev.dockhand.events.EventPayload.PrOpened;
import dev.dockhand.events.EventPayload.SetupFinished;
import dev.dockhand.events.EventPayload.SetupStarted;
import dev.dockhand.events.EventPayload.TaskCancelled;
import dev.dockhand.events.EventPayload.TaskFailed;
import dev.dockhand.events.EventPayload.TaskQueued;
import dev.dockhand.events.EventPayload.TaskRetrying;
import dev.dockhand.events.EventPayload.TaskStarted;
import dev.dockhand.events.EventPayload.TaskSucceeded;
import dev.dockhand.events.EventPayload.ToolCall;
import dev.dockhand.events.EventPayload.ToolResult;
import dev.dockhand.events.EventPayload.Unreadable;
import dev.dockhand.events.EventPayload.UserMessage;
import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of stored task events; {@link #wire()} is the name clients see, {@link #payloadType()}
 * the record its data reads into.
 */
public enum EventKind {
  TASK_QUEUED("task.queued", TaskQueued.class),
  TASK_STARTED("task.started", TaskStarted.class),
  TASK_RETRYING("task.retrying", TaskRetrying.class),
  MESSAGE_USER("message.user", UserMessage.class),
  MESSAGE_ASSISTANT("message.assistant", AssistantMessage.class),
  TOOL_CALL("tool.call", ToolCall.class),
  TOOL_RESULT("tool.result", ToolResult.class),
  GIT_PUSHED("git.pushed", GitPushed.class),
  PR_OPENED("pr.opened", PrOpened.class),
  NETWORK_BLOCKED("network.blocked", NetworkBlocked.class),
  SETUP_STARTED("setup.started", SetupStarted.class),
  SETUP_FINISHED("setup.finished", SetupFinished.class),
  CONTEXT_COMPACTED("context.compacted", ContextCompacted.class),
  CHECKS_FINISHED("checks.finished", ChecksFinished.class),
  TASK_SUCCEEDED("task.succeeded", TaskSucceeded.class),
  TASK_FAILED("task.failed", TaskFailed.class),
  TASK_CANCELLED("task.cancelled", TaskCancelled.class);

  private final String wire;
  private final Class<? extends EventPayload> payloadType;

  EventKind(String wire, Class<? extends EventPayload> payloadType) {
    this.wire = wire;
    this.payloadType = payloadType;
  }

  public String wire() {
    return wire;
  }

  Class<? extends EventPayload> payloadType() {
    return payloadType;
  }

  public boolean terminal() {
    return this == TASK_SUCCEEDED || this == TASK_FAILED || this == TASK_CANCELLED;
  }

  public static Optional<EventKind> fromWire(String wire) {
    return Arrays.stream(values()).filter(kind -> kind.wire.equals(wire)).findFirst();
  }

  /** The kind of {@code payload}; an {@link Unreadable} one has none and is never written. */
  public static EventKind of(EventPayload payload) {
    return switch (payload) {
      case TaskQueued p -> TASK_QUEUED;
      case TaskStarted p -> TASK_STARTED;
      case TaskRetrying p -> TASK_RETRYING;
      case UserMessage p -> MESSAGE_USER;
      case AssistantMessage p -> MESSAGE_ASSISTANT;
      case ToolCall p -> TOOL_CALL;
      case ToolResult p -> TOOL_RESULT;
      case GitPushed p -> GIT_PUSHED;
      case PrOpened p -> PR_OPENED;
      case NetworkBlocked p -> NETWORK_BLOCKED;
      case SetupStarted p -> SETUP_STARTED;
      case SetupFinished p -> SETUP_FINISHED;
      case ContextCompacted p -> CONTEXT_COMPACTED;
      case ChecksFinished p -> CHECKS_FINISHED;
      case TaskSucceeded p -> TASK_SUCCEEDED;
      case TaskFailed p -> TASK_FAILED;
      case TaskCancelled p -> TASK_CANCELLED;
      case Unreadable p ->
          throw new IllegalArgumentException("an unreadable " + p.kind() + " event is not written");
    };
  }
}
