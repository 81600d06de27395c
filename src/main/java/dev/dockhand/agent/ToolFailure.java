package dev.dockhand.agent;

/**
 * A tool call the model made wrongly (bad input, a path outside /workspace): it gets the message.
 */
final class ToolFailure extends RuntimeException {
  ToolFailure(String message) {
    super(message, null, false, false);
  }
}
