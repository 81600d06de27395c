package dev.dockhand.agent;

import com.anthropic.models.beta.messages.BetaContentBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What the loop keeps of a model's reply, and whether the reply was cut off. */
final class Replies {
  /** The stop reason of a reply cut off because the prompt and it filled the context window. */
  static final String WINDOW_EXCEEDED = "model_context_window_exceeded";

  /**
   * Replies that stopped before the model was done: at max_tokens, at a full context window, or
   * paused after a compaction. The loop asks the model to continue.
   */
  private static final Set<String> CUT_OFF = Set.of("max_tokens", WINDOW_EXCEEDED, "compaction");

  private Replies() {}

  static boolean cutOff(String stopReason) {
    return CUT_OFF.contains(stopReason);
  }

  /**
   * The blocks to keep: empty text blocks are dropped (the API refuses them in a request), and so
   * is a tool call cut off at the end of a reply, whose input is incomplete.
   */
  static List<BetaContentBlock> kept(List<BetaContentBlock> content, boolean cutOff) {
    List<BetaContentBlock> kept = new ArrayList<>();
    for (BetaContentBlock block : content) {
      if (!(block.isText() && block.asText().text().isEmpty())) {
        kept.add(block);
      }
    }
    if (cutOff && !kept.isEmpty() && kept.get(kept.size() - 1).isToolUse()) {
      kept.remove(kept.size() - 1);
    }
    return kept;
  }
}
