package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventPayload.AssistantMessage;
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

  private record Entry(boolean user, List<ContentBlockParam> blocks) {}

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
        case Finished p -> {}
        case Unreadable p -> {}
      }
    }
    conversation.answerInterrupted();
    return conversation;
  }

  /** Content blocks stored as the API returned them, as request parameters. */
  static List<ContentBlockParam> blocksOf(JsonNode content) {
    List<ContentBlockParam> blocks = new ArrayList<>();
    if (content == null) {
      return blocks;
    }
    for (JsonNode block : content) {
      blocks.add(ObjectMappers.jsonMapper().convertValue(block, ContentBlock.class).toParam());
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
    userEntry().blocks().add(ContentBlockParam.ofText(text));
  }

  public void addAssistant(List<ContentBlockParam> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("an assistant message needs at least one block");
    }
    entries.add(new Entry(false, new ArrayList<>(blocks)));
  }

  /** A result goes after earlier results of the same message and before its text. */
  public void addToolResult(String toolUseId, String output, boolean isError) {
    List<ContentBlockParam> blocks = userEntry().blocks();
    int position = 0;
    while (position < blocks.size() && blocks.get(position).isToolResult()) {
      position++;
    }
    ToolResultBlockParam.Builder result =
        ToolResultBlockParam.builder().toolUseId(toolUseId).content(output);
    if (isError) {
      result.isError(true);
    }
    blocks.add(position, ContentBlockParam.ofToolResult(result.build()));
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
        .filter(ContentBlockParam::isToolUse)
        .forEach(block -> ids.add(block.asToolUse().id()));
    if (index + 1 < entries.size()) {
      entries.get(index + 1).blocks().stream()
          .filter(ContentBlockParam::isToolResult)
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
                .filter(ContentBlockParam::isText)
                .map(block -> block.asText().text())
                .toList());
    return text.isBlank() ? Optional.empty() : Optional.of(text.strip());
  }

  /**
   * The messages for the next request. With {@code cache}, the last block of the last message (this
   * turn's moving end) and of the user message before it (the previous turn's end, already in the
   * cache) carry a breakpoint: two of the API's four, beside the tools and system prompt.
   */
  public List<MessageParam> toParams(boolean cache) {
    int lastUser = entries.size() - 1;
    int previousUser = lastUser - 2;
    List<MessageParam> messages = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      List<ContentBlockParam> blocks = new ArrayList<>(entry.blocks());
      if (cache && entry.user() && (i == lastUser || i == previousUser)) {
        int end = blocks.size() - 1;
        blocks.set(end, withBreakpoint(blocks.get(end)));
      }
      messages.add(
          entry.user()
              ? MessageParam.ofUserOfContentBlockParams(blocks)
              : MessageParam.ofAssistantOfContentBlockParams(blocks));
    }
    return messages;
  }

  private static ContentBlockParam withBreakpoint(ContentBlockParam block) {
    CacheControlEphemeral ephemeral = CacheControlEphemeral.builder().build();
    if (block.isText()) {
      return ContentBlockParam.ofText(block.asText().toBuilder().cacheControl(ephemeral).build());
    }
    if (block.isToolResult()) {
      return ContentBlockParam.ofToolResult(
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
