package dev.dockhand.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The data of a task event, one record per kind (DESIGN "Events and realtime"). Each serialises
 * through {@link Json#MAPPER} to exactly the wire JSON clients see: its components in order, an
 * absent (null) optional field left out. {@link #parse} reads stored or received JSON back
 * leniently (unknown fields ignored, a missing text field empty, a missing number 0); what it
 * cannot read is an {@link Unreadable}, never an error, since events are kept forever.
 */
public sealed interface EventPayload {
  /** {@code task.queued}: the task (or a resumed attempt of it) waits in the queue. */
  record TaskQueued(int attempt) implements EventPayload {}

  /** {@code task.started}: a node claimed {@code attempt}. */
  record TaskStarted(int attempt) implements EventPayload {}

  /** {@code task.retrying}: {@code attempt} is queued again, runnable at {@code runAfter}. */
  record TaskRetrying(int attempt, String reason, Instant runAfter) implements EventPayload {
    public TaskRetrying {
      reason = orEmpty(reason);
    }
  }

  /**
   * {@code message.user}: the prompt, a follow-up, or a nudge the agent wrote ({@code synthetic}).
   */
  record UserMessage(
      String content, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean synthetic)
      implements EventPayload {
    public UserMessage {
      content = orEmpty(content);
    }

    public UserMessage(String content) {
      this(content, false);
    }
  }

  /** {@code message.assistant}: the model's content blocks as the API returned them. */
  record AssistantMessage(JsonNode content, String stopReason, Usage usage)
      implements EventPayload {}

  /** {@code tool.call}: the model asked to run tool {@code name} with {@code input}. */
  record ToolCall(String id, String name, JsonNode input) implements EventPayload {
    public ToolCall {
      id = orEmpty(id);
      name = orEmpty(name);
    }
  }

  /** {@code tool.result}: what the tool call {@code id} answered. */
  record ToolResult(
      String id, String output, @JsonProperty("isError") boolean isError, long durationMs)
      implements EventPayload {
    public ToolResult {
      id = orEmpty(id);
      output = orEmpty(output);
    }
  }

  /** {@code git.pushed}: the work is on {@code branch} at {@code commit}. */
  record GitPushed(String branch, String commit) implements EventPayload {
    public GitPushed {
      branch = orEmpty(branch);
      commit = orEmpty(commit);
    }
  }

  /** {@code pr.opened}: the pull request at {@code url}. */
  record PrOpened(String url) implements EventPayload {
    public PrOpened {
      url = orEmpty(url);
    }
  }

  /**
   * {@code setup.started}: the repository's setup began in the container; {@code source} says where
   * its commands came from ({@code settings} or {@code devcontainer}, then {@code file} is the
   * file's path in the repository).
   */
  record SetupStarted(String source, String file) implements EventPayload {
    public SetupStarted {
      source = orEmpty(source);
    }
  }

  /**
   * {@code setup.finished}: the setup's exit code (0 when it succeeded, -1 when it timed out), how
   * long it took, and whether a cached environment was restored instead of running it.
   */
  record SetupFinished(int exitCode, long durationMs, boolean cached) implements EventPayload {}

  /**
   * {@code context.compacted}: the conversation the model sees was made smaller. {@code strategy}
   * says how: {@code compact} (the API summarised it, server-side compaction), {@code
   * clear_tool_uses} (the API cleared old tool results, keeping the last {@code kept} tool uses) or
   * {@code summarize} (the API answered that the prompt was too long and Dockhand summarised the
   * older turns itself, keeping the last {@code kept} messages; {@code summary} is the message that
   * took their place). Token counts are the prompt's before and after. The event log keeps every
   * original message; only the model's view changes.
   */
  record ContextCompacted(
      long tokensBefore,
      long tokensAfter,
      String strategy,
      int kept,
      @JsonInclude(JsonInclude.Include.NON_NULL) String summary)
      implements EventPayload {
    public static final String COMPACT = "compact";
    public static final String CLEAR_TOOL_USES = "clear_tool_uses";
    public static final String SUMMARIZE = "summarize";

    public ContextCompacted {
      strategy = orEmpty(strategy);
    }
  }

  /**
   * {@code checks.finished}: the repository's checks ran after the agent's turn. {@code exitCode}
   * is 0 when they passed, -1 when they met a time limit; {@code passed} and {@code failed} are
   * counts read from the test runner's summary lines, absent where it printed none; {@code round}
   * counts the runs since the task's work began, 1 for the run after the agent's own turn.
   */
  record ChecksFinished(
      String command, int exitCode, Integer passed, Integer failed, long durationMs, int round)
      implements EventPayload {
    public ChecksFinished {
      command = orEmpty(command);
    }

    /** Whether the checks passed. */
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** "2 failed, 10 passed", or what of it the runner printed (no "0 failed"); may be empty. */
    public String counts() {
      String failedText = failed == null || failed == 0 ? "" : failed + " failed";
      String passedText = passed == null ? "" : passed + " passed";
      return failedText.isEmpty() || passedText.isEmpty()
          ? failedText + passedText
          : failedText + ", " + passedText;
    }
  }

  /** {@code network.blocked}: the egress proxy refused {@code host:port}, {@code count} times. */
  record NetworkBlocked(String host, int port, long count) implements EventPayload {
    public NetworkBlocked {
      host = orEmpty(host);
    }
  }

  /**
   * How the task ended, the same shape whichever path ended it: {@code reason} and {@code code}
   * only when there is a reason; {@code timings} in milliseconds, with their {@code total}.
   */
  sealed interface Finished extends EventPayload {
    String reason();

    String code();

    Usage usage();

    Map<String, Long> timings();
  }

  /** {@code task.succeeded}. */
  record TaskSucceeded(String reason, String code, Usage usage, Map<String, Long> timings)
      implements Finished {}

  /** {@code task.failed}. */
  record TaskFailed(String reason, String code, Usage usage, Map<String, Long> timings)
      implements Finished {}

  /** {@code task.cancelled}. */
  record TaskCancelled(String reason, String code, Usage usage, Map<String, Long> timings)
      implements Finished {}

  /**
   * An event this code cannot read into its record: a kind it does not know (a newer server's) or
   * data that does not fit its kind's record. Shown as stored; never written.
   */
  record Unreadable(String kind, JsonNode data) implements EventPayload {}

  /** The event of kind {@code kind} (its wire name) with {@code data}, read leniently. */
  static EventPayload parse(String kind, JsonNode data) {
    Optional<EventKind> known = EventKind.fromWire(kind);
    if (known.isEmpty() || data == null || !data.isObject()) {
      return new Unreadable(kind, data);
    }
    try {
      return Json.MAPPER.treeToValue(data, known.get().payloadType());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new Unreadable(kind, data);
    }
  }

  /** A required text field missing from an old event reads as empty, never null. */
  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }
}
