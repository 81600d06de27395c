package dev.dockhand.agent;

import com.anthropic.models.beta.messages.BetaContentBlockParam;
import com.anthropic.models.beta.messages.BetaToolResultBlockParam;
import java.util.ArrayList;
import java.util.List;

/** Clears old tool results in a conversation's messages, in place, as the API's edit does. */
final class ClearedResults {
  /** What a cleared tool result says instead of its output. */
  static final String CLEARED =
      "[This tool result was cleared to save context. Run the tool again if you need its"
          + " output.]";

  private ClearedResults() {}

  /**
   * Clears the output of every tool result in {@code messages} (each a mutable list of blocks) but
   * the last {@code keep}; returns how many it cleared (one already cleared is left alone).
   */
  static int clear(List<List<BetaContentBlockParam>> messages, int keep) {
    List<int[]> results = new ArrayList<>();
    for (int m = 0; m < messages.size(); m++) {
      List<BetaContentBlockParam> blocks = messages.get(m);
      for (int b = 0; b < blocks.size(); b++) {
        if (blocks.get(b).isToolResult()) {
          results.add(new int[] {m, b});
        }
      }
    }
    int cleared = 0;
    for (int[] at : results.subList(0, Math.max(0, results.size() - keep))) {
      List<BetaContentBlockParam> blocks = messages.get(at[0]);
      BetaToolResultBlockParam result = blocks.get(at[1]).asToolResult();
      if (!isCleared(result)) {
        blocks.set(
            at[1], BetaContentBlockParam.ofToolResult(result.toBuilder().content(CLEARED).build()));
        cleared++;
      }
    }
    return cleared;
  }

  private static boolean isCleared(BetaToolResultBlockParam result) {
    return result.content().filter(c -> c.isString() && c.asString().equals(CLEARED)).isPresent();
  }
}
