package dev.dockhand.agent;

import com.anthropic.models.beta.AnthropicBeta;
import com.anthropic.models.beta.messages.BetaClearToolUses20250919Edit;
import com.anthropic.models.beta.messages.BetaCompact20260112Edit;
import com.anthropic.models.beta.messages.BetaContextManagementConfig;
import com.anthropic.models.beta.messages.BetaInputTokensClearAtLeast;
import com.anthropic.models.beta.messages.BetaInputTokensTrigger;
import com.anthropic.models.beta.messages.BetaToolUsesKeep;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Messages API's context management as the loop asks for it: tool-result clearing ({@code
 * clear_tool_uses_20250919}, beta {@code context-management-2025-06-27}) and server-side compaction
 * ({@code compact_20260112}, beta {@code compact-2026-01-12}). Clearing is listed first, so the
 * cheaper edit runs before a summary is paid for.
 *
 * @param compactAt DOCKHAND_CONTEXT_COMPACT_AT (default 150000; 0 turns it off): prompt tokens at
 *     which the API summarises the conversation; the API's minimum is 50000
 * @param clearToolsAt DOCKHAND_CONTEXT_CLEAR_TOOLS_AT (default 100000; 0 turns it off): prompt
 *     tokens at which the API clears old tool results, keeping the last {@link #KEEP_TOOL_USES}
 */
public record ContextSettings(long compactAt, long clearToolsAt) {
  /** The API's smallest compaction trigger. */
  public static final long MIN_COMPACT_AT = 50_000;

  /** Tool uses whose results clearing leaves in place: the ones the model is working with. */
  public static final int KEEP_TOOL_USES = 3;

  /**
   * Clearing frees at least this much or is not applied: each clearing changes the prompt's prefix
   * and so costs one cache write of the conversation, which a small saving would not repay.
   */
  public static final long CLEAR_AT_LEAST = 10_000;

  static final String COMPACT_BETA = "compact-2026-01-12";
  static final String CLEARING_BETA = "context-management-2025-06-27";

  public static final ContextSettings OFF = new ContextSettings(0, 0);

  public static ContextSettings from(Env env) {
    long compactAt = env.longValue("DOCKHAND_CONTEXT_COMPACT_AT", 150_000, 0, 100_000_000);
    if (compactAt != 0 && compactAt < MIN_COMPACT_AT) {
      throw new ConfigException(
          "DOCKHAND_CONTEXT_COMPACT_AT",
          "must be 0 (off) or at least "
              + MIN_COMPACT_AT
              + " tokens (the API's minimum), got "
              + compactAt);
    }
    long clearAt = env.longValue("DOCKHAND_CONTEXT_CLEAR_TOOLS_AT", 100_000, 0, 100_000_000);
    if (clearAt != 0 && clearAt < 2 * CLEAR_AT_LEAST) {
      throw new ConfigException(
          "DOCKHAND_CONTEXT_CLEAR_TOOLS_AT",
          "must be 0 (off) or at least " + 2 * CLEAR_AT_LEAST + " tokens, got " + clearAt);
    }
    return new ContextSettings(compactAt, clearAt);
  }

  public boolean on() {
    return compactAt > 0 || clearToolsAt > 0;
  }

  /** The betas a request with {@link #config()} must name. */
  List<AnthropicBeta> betas() {
    List<AnthropicBeta> betas = new ArrayList<>();
    if (clearToolsAt > 0) {
      betas.add(AnthropicBeta.of(CLEARING_BETA));
    }
    if (compactAt > 0) {
      betas.add(AnthropicBeta.of(COMPACT_BETA));
    }
    return betas;
  }

  /** The request's {@code context_management}, when any edit is on. */
  Optional<BetaContextManagementConfig> config() {
    if (!on()) {
      return Optional.empty();
    }
    BetaContextManagementConfig.Builder config = BetaContextManagementConfig.builder();
    if (clearToolsAt > 0) {
      config.addEdit(
          BetaClearToolUses20250919Edit.builder()
              .trigger(BetaInputTokensTrigger.builder().value(clearToolsAt).build())
              .keep(BetaToolUsesKeep.builder().value(KEEP_TOOL_USES).build())
              .clearAtLeast(BetaInputTokensClearAtLeast.builder().value(CLEAR_AT_LEAST).build())
              .build());
    }
    if (compactAt > 0) {
      config.addEdit(
          BetaCompact20260112Edit.builder()
              .trigger(BetaInputTokensTrigger.builder().value(compactAt).build())
              .instructions(COMPACTION_INSTRUCTIONS)
              .build());
    }
    return Optional.of(config.build());
  }

  /** What the summary must keep for a coding agent to go on where it was. */
  static final String COMPACTION_INSTRUCTIONS =
      "Summarise this coding session so the agent can continue it: the task as the user asked it"
          + " (with any later instructions), what has been done and what is left, decisions made"
          + " and why, the files read or changed (paths), commands that build or test the project"
          + " and their latest results, and any errors still open. Keep exact paths, names and"
          + " error messages.";
}
