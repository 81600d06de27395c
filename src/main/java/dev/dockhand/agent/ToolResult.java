package dev.dockhand.agent;

/** What one tool call gives back to the model; {@code isError} marks a failed call. */
public record ToolResult(String output, boolean isError) {
  static ToolResult ok(String output) {
    return new ToolResult(output, false);
  }

  static ToolResult error(String output) {
    return new ToolResult(output, true);
  }
}
