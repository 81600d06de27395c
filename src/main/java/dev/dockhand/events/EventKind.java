package dev.dockhand.events;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of stored task events; {@link #wire()} is the name clients see. */
public enum EventKind {
  TASK_QUEUED("task.queued"),
  TASK_STARTED("task.started"),
  TASK_RETRYING("task.retrying"),
  MESSAGE_USER("message.user"),
  MESSAGE_ASSISTANT("message.assistant"),
  TOOL_CALL("tool.call"),
  TOOL_RESULT("tool.result"),
  GIT_PUSHED("git.pushed"),
  PR_OPENED("pr.opened"),
  NETWORK_BLOCKED("network.blocked"),
  TASK_SUCCEEDED("task.succeeded"),
  TASK_FAILED("task.failed"),
  TASK_CANCELLED("task.cancelled");

  private final String wire;

  EventKind(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public boolean terminal() {
    return this == TASK_SUCCEEDED || this == TASK_FAILED || this == TASK_CANCELLED;
  }

  public static Optional<EventKind> fromWire(String wire) {
    return Arrays.stream(values()).filter(kind -> kind.wire.equals(wire)).findFirst();
  }
}
