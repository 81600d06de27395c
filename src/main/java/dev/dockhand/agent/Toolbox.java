package dev.dockhand.agent;

import com.anthropic.models.beta.messages.BetaCacheControlEphemeral;
import com.anthropic.models.beta.messages.BetaToolBash20250124;
import com.anthropic.models.beta.messages.BetaToolTextEditor20250728;
import com.anthropic.models.beta.messages.BetaToolUnion;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.sandbox.SandboxContainer;
import java.time.Duration;
import java.util.List;

/**
 * The client tools Claude is trained on, run inside the task's container. A tool the model used
 * wrongly comes back as an error result rather than failing the task; output longer than the cap
 * keeps its head and tail around a marker. Thread-safe.
 */
final class Toolbox {
  private final BashTool bash = new BashTool();
  private final EditorTool editor = new EditorTool();
  private final int outputCapChars;

  Toolbox(int outputCapChars) {
    this.outputCapChars = outputCapChars;
  }

  /** The tool definitions; with {@code cache} the last one carries the tools' breakpoint. */
  static List<BetaToolUnion> definitions(boolean cache) {
    BetaToolTextEditor20250728.Builder editorTool = BetaToolTextEditor20250728.builder();
    if (cache) {
      editorTool.cacheControl(BetaCacheControlEphemeral.builder().build());
    }
    return List.of(
        BetaToolUnion.ofBash20250124(BetaToolBash20250124.builder().build()),
        BetaToolUnion.ofTextEditor20250728(editorTool.build()));
  }

  ToolResult run(SandboxContainer container, String name, JsonNode input, Duration commandTimeout) {
    ToolResult result;
    try {
      result =
          switch (name) {
            case BashTool.NAME -> bash.run(container, input, commandTimeout);
            case EditorTool.NAME -> editor.run(container, input);
            default -> ToolResult.error("There is no tool named '" + name + "'.");
          };
    } catch (ToolFailure failure) {
      result = ToolResult.error(failure.getMessage());
    } catch (DockhandException e) {
      if (e.retryable()) {
        throw e; // the container or engine is gone: the task, not the model, must deal with it
      }
      result = ToolResult.error("The tool failed: " + e.getMessage());
    }
    return new ToolResult(cut(result.output(), outputCapChars), result.isError());
  }

  /** {@code text} if it fits in {@code cap} characters, else its head and tail around a marker. */
  static String cut(String text, int cap) {
    if (text.length() <= cap) {
      return text;
    }
    int head = cap * 2 / 3;
    int tail = cap - head;
    int removed = text.length() - head - tail;
    return text.substring(0, head)
        + "\n\n[... "
        + removed
        + " characters cut from the middle of this output ...]\n\n"
        + text.substring(text.length() - tail);
  }
}
