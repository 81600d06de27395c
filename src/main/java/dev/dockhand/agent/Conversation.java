package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaCacheControlEphemeral;
import com.anthropic.models.beta.messages.BetaContentBlock;
import com.anthropic.models.beta.messages.BetaContentBlockParam;
import com.anthropic.models.beta.messages.BetaMessageParam;
import com.anthropic.models.beta.messages.BetaToolResultBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventPayload.AssistantMessage;
import dev.dockhand.events.EventPayload.ContextCompacted;
import dev.dockhand.events.EventPayload.Finished;
import dev.dockhand.events.EventPayload.GitPushed;
import dev.dockhand.events.EventPayload.NetworkBlocked;
import dev.dockhand.events.EventPayload.PrOpened;
import dev.dockhand.events.EventPayload.SetupFinished;
import dev.dockhand.events.EventPayload.SetupStarted;
import dev.dockhand.events.EventPayload.TaskQueued;
import dev.dockhand.events.EventPayload.TaskRetrying;
import dev.dockhand.events.EventPayload.TaskStarted;
import dev.dockhand.events.EventPayload.ToolCall;
import dev.dockhand.events.EventPayload.ToolResult;
import dev.dockhand.events.EventPayload.Unreadable;
import dev.dockhand.events.EventPayload.UserMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The messages of one task, kept in the shape the Messages API demands: roles alternate, and the
 * user message after an assistant message that used tools opens with one {@code tool_result} per
 * {@code tool_use}, before any text. Rebuilt from the stored events to resume a task. Not
 * thread-safe: one run owns it.
 */
public final class Conversation {
  /** What a tool call that never finished (the attempt died mid-call) answers on resume. */
  static final String INTERRUPTED =
      "The tool call was interrupted before it finished (the task was restarted). Run it again if"
          + " it is still needed.";

  /** What a cleared tool result says instead of its output. */
  static final String CLEARED = ClearedResults.CLEARED;

  private record Entry(boolean user, List<BetaContentBlockParam> blocks) {}

  private final List<Entry> entries = new ArrayList<>();

  /**
   * The conversation recorded by {@code events} ({@code message.user}, {@code message.assistant},
   * {@code tool.result}; other kinds, and events it cannot read, are ignored). A tool call whose
   * result was never stored is answered as interrupted, so the history is always one the API
   * accepts.
   */
  public static Conversation fromEvents(List<Event> events) {
    Conversation conversation = new Conversation();
    for (Event event : events) {
      switch (event.payload()) {
        case UserMessage user -> conversation.addUserText(user.content());
        case AssistantMessage assistant -> {
          conversation.answerInterrupted();
          conversation.addAssistant(blocksOf(assistant.content()));
        }
        case ToolResult result ->
            conversation.addToolResult(result.id(), result.output(), result.isError());
        case TaskQueued p -> {}
        case TaskStarted p -> {}
        case TaskRetrying p -> {}
        case ToolCall p -> {} // its tool_use block is in the assistant message
        case GitPushed p -> {}
        case PrOpened p -> {}
        case NetworkBlocked p -> {}
        case SetupStarted p -> {}
        case SetupFinished p -> {}
        case ContextCompacted compacted -> conversation.replay(compacted);
        case dev.dockhand.events.EventPayload.ChecksFinished p -> {}
        case Finished p -> {}
        case Unreadable p -> {}
      }
    }
    conversation.answerInterrupted();
    return conversation;
  }

  /** Content blocks stored as the API returned them, as request parameters. */
  static List<BetaContentBlockParam> blocksOf(JsonNode content) {
    List<BetaContentBlockParam> blocks = new ArrayList<>();
    if (content == null) {
      return blocks;
    }
    for (JsonNode block : content) {
      blocks.add(ObjectMappers.jsonMapper().convertValue(block, BetaContentBlock.class).toParam());
    }
    return blocks;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** True when the last message is the user's, so the model has something to answer. */
  public boolean awaitsModel() {
    return !entries.isEmpty() && last().user();
  }

  /** User text goes after any tool results of the same message. */
  public void addUserText(String text) {
    userEntry().blocks().add(BetaContentBlockParam.ofText(text));
  }

  /**
   * An assistant message. One that opens with a compaction block (server-side compaction) makes
   * every message before it moot: the API drops them from the prompt. They are dropped here too, so
   * requests stay small, all but the first user message (the API wants the conversation to open
   * with one; it is dropped again server-side, so it costs no tokens).
   */
  public void addAssistant(List<BetaContentBlockParam> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("an assistant message needs at least one block");
    }
    boolean compacted =
        blocks.stream()
            .anyMatch(block -> block.isCompaction() && block.asCompaction().content().isPresent());
    if (compacted && !entries.isEmpty() && entries.get(0).user()) {
      entries.subList(1, entries.size()).clear();
    }
    entries.add(new Entry(false, new ArrayList<>(blocks)));
  }

  /**
   * Clears the output of every tool result but the last {@code keep}, as the API's {@code
   * clear_tool_uses} edit did to the request just answered: the next requests then send the same
   * cleared prefix and read it from the cache, instead of the API clearing a little more (and
   * breaking the cache) on every turn. Returns how many results it cleared.
   */
  public int clearToolResults(int keep) {
    return ClearedResults.clear(entries.stream().map(Entry::blocks).toList(), keep);
  }

  /**
   * Replaces every message before {@code keepFrom} (an assistant message's index) with one user
   * message, {@code summary}: Dockhand's own compaction when the API says the prompt is too long.
   */
  public void replaceHead(int keepFrom, String summary) {
    if (keepFrom <= 0 || keepFrom >= entries.size() || entries.get(keepFrom).user()) {
      throw new IllegalArgumentException("the kept messages must start with an assistant message");
    }
    entries.subList(0, keepFrom).clear();
    entries.add(
        0, new Entry(true, new ArrayList<>(List.of(BetaContentBlockParam.ofText(summary)))));
  }

  /** Does again what a stored {@code context.compacted} event did to the conversation. */
  private void replay(ContextCompacted compacted) {
    switch (compacted.strategy()) {
      case ContextCompacted.CLEAR_TOOL_USES -> clearToolResults(compacted.kept());
      case ContextCompacted.SUMMARIZE -> {
        int keepFrom = entries.size() - compacted.kept();
        if (compacted.summary() != null && keepFrom > 0 && keepFrom < entries.size()) {
          replaceHead(keepFrom, compacted.summary());
        }
      }
      default -> {} // server-side compaction: its block is in the assistant message
    }
  }

  /** The messages as they stand, oldest first: for Dockhand's own compaction to read. */
  List<Message> messages() {
    return entries.stream()
        .map(entry -> new Message(entry.user(), List.copyOf(entry.blocks())))
        .toList();
  }

  /** One message of {@link #messages()}. */
  record Message(boolean user, List<BetaContentBlockParam> blocks) {}

  /** A result goes after earlier results of the same message and before its text. */
  public void addToolResult(String toolUseId, String output, boolean isError) {
    List<BetaContentBlockParam> blocks = userEntry().blocks();
    int position = 0;
    while (position < blocks.size() && blocks.get(position).isToolResult()) {
      position++;
    }
    BetaToolResultBlockParam.Builder result =
        BetaToolResultBlockParam.builder().toolUseId(toolUseId).content(output);
    if (isError) {
      result.isError(true);
    }
    blocks.add(position, BetaContentBlockParam.ofToolResult(result.build()));
  }

  /** Answers, as interrupted, each tool use of the last assistant message that has no result. */
  public void answerInterrupted() {
    for (String id : unansweredToolUses()) {
      addToolResult(id, INTERRUPTED, true);
    }
  }

  /** Ids of the last assistant message's tool uses that no tool result answers yet. */
  public Set<String> unansweredToolUses() {
    Set<String> ids = new LinkedHashSet<>();
    int index = lastAssistantIndex();
    if (index < 0) {
      return ids;
    }
    entries.get(index).blocks().stream()
        .filter(BetaContentBlockParam::isToolUse)
        .forEach(block -> ids.add(block.asToolUse().id()));
    if (index + 1 < entries.size()) {
      entries.get(index + 1).blocks().stream()
          .filter(BetaContentBlockParam::isToolResult)
          .forEach(block -> ids.remove(block.asToolResult().toolUseId()));
    }
    return ids;
  }

  /** The text of the last assistant message, if any. */
  public Optional<String> lastAssistantText() {
    int index = lastAssistantIndex();
    if (index < 0) {
      return Optional.empty();
    }
    String text =
        String.join(
            "\n",
            entries.get(index).blocks().stream()
                .filter(BetaContentBlockParam::isText)
                .map(block -> block.asText().text())
                .toList());
    return text.isBlank() ? Optional.empty() : Optional.of(text.strip());
  }

  /**
   * The messages for the next request. With {@code cache}, the last block of the last message (this
   * turn's moving end) and of the user message before it (the previous turn's end, already in the
   * cache) carry a breakpoint: two of the API's four, beside the tools and system prompt.
   */
  public List<BetaMessageParam> toParams(boolean cache) {
    int lastUser = entries.size() - 1;
    // The first message before a compaction block is dropped by the API: no breakpoint there.
    int previousUser = lastUser - 2 == 0 && openedByCompaction(1) ? -1 : lastUser - 2;
    List<BetaMessageParam> messages = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      List<BetaContentBlockParam> blocks = new ArrayList<>(entry.blocks());
      if (cache && entry.user() && (i == lastUser || i == previousUser)) {
        int end = blocks.size() - 1;
        blocks.set(end, withBreakpoint(blocks.get(end)));
      }
      messages.add(
          entry.user()
              ? BetaMessageParam.ofUserOfContentBlockParams(blocks)
              : BetaMessageParam.ofAssistantOfContentBlockParams(blocks));
    }
    return messages;
  }

  private boolean openedByCompaction(int index) {
    return index < entries.size()
        && !entries.get(index).blocks().isEmpty()
        && entries.get(index).blocks().get(0).isCompaction();
  }

  private static BetaContentBlockParam withBreakpoint(BetaContentBlockParam block) {
    BetaCacheControlEphemeral ephemeral = BetaCacheControlEphemeral.builder().build();
    if (block.isText()) {
      return BetaContentBlockParam.ofText(
          block.asText().toBuilder().cacheControl(ephemeral).build());
    }
    if (block.isToolResult()) {
      return BetaContentBlockParam.ofToolResult(
          block.asToolResult().toBuilder().cacheControl(ephemeral).build());
    }
    return block;
  }

  private Entry userEntry() {
    if (entries.isEmpty() || !last().user()) {
      entries.add(new Entry(true, new ArrayList<>()));
    }
    return last();
  }

  private Entry last() {
    return entries.get(entries.size() - 1);
  }

  private int lastAssistantIndex() {
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (!entries.get(i).user()) {
        return i;
      }
    }
    return -1;
  }
}
