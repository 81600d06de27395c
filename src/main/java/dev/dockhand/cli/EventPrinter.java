package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.EventPayload.AssistantMessage;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.EventPayload.ContextCompacted;
import dev.dockhand.events.EventPayload.GitPushed;
import dev.dockhand.events.EventPayload.NetworkBlocked;
import dev.dockhand.events.EventPayload.PrOpened;
import dev.dockhand.events.EventPayload.SetupFinished;
import dev.dockhand.events.EventPayload.SetupStarted;
import dev.dockhand.events.EventPayload.TaskCancelled;
import dev.dockhand.events.EventPayload.TaskFailed;
import dev.dockhand.events.EventPayload.TaskQueued;
import dev.dockhand.events.EventPayload.TaskRetrying;
import dev.dockhand.events.EventPayload.TaskStarted;
import dev.dockhand.events.EventPayload.TaskSucceeded;
import dev.dockhand.events.EventPayload.ToolCall;
import dev.dockhand.events.EventPayload.ToolResult;
import dev.dockhand.events.EventPayload.Unreadable;
import dev.dockhand.events.EventPayload.UserMessage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Renders task events for a terminal, with colour when the terminal wants it. Not thread-safe. */
final class EventPrinter {
  private static final int RESULT_LINES = 15;

  /** The timings' phases, in the order an attempt goes through them (DESIGN's list). */
  private static final List<String> PHASES =
      List.of("queued clone restore setup container firstToken agent checks push total".split(" "));

  private final PrintStream out;
  private final boolean colour;
  private boolean midDelta;
  private boolean sawDelta;

  EventPrinter(PrintStream out, boolean colour) {
    this.out = out;
    this.colour = colour;
  }

  /** Live output: the model's text as it is, setup and checks output dimmed. */
  void delta(String stream, String text) {
    out.print(stream.equals("text") ? text : dim(text));
    out.flush();
    midDelta = !text.endsWith("\n");
    sawDelta = true;
  }

  void event(String kind, JsonNode data) {
    boolean streamed = sawDelta;
    sawDelta = false;
    endDelta();
    switch (EventPayload.parse(kind, data)) {
      case TaskQueued queued -> line(dim("· queued"));
      case TaskStarted started ->
          line(bold("▶ started") + dim(" (attempt " + started.attempt() + ")"));
      case TaskRetrying retrying ->
          line(
              yellow("↻ retrying")
                  + " attempt "
                  + retrying.attempt()
                  + ": "
                  + retrying.reason()
                  + dim(" (not before " + retrying.runAfter() + ")"));
      case UserMessage user -> line(bold("you: ") + user.content());
      case AssistantMessage assistant -> {
        if (!streamed) {
          assistantText(assistant.content());
        }
      }
      case ToolCall call -> toolCall(call);
      case ToolResult result -> toolResult(result);
      case GitPushed pushed ->
          line(green("⇡ pushed ") + pushed.branch() + dim(" " + pushed.commit()));
      case PrOpened opened -> line(green("⇄ pull request ") + opened.url());
      case NetworkBlocked blocked -> blocked(blocked);
      case SetupStarted setup ->
          line(
              bold("⚙ setup")
                  + dim(" (" + (setup.file() == null ? setup.source() : setup.file()) + ")"));
      case SetupFinished setup -> line(setupFinished(setup));
      case ContextCompacted compacted -> line(compacted(compacted));
      case ChecksFinished checks -> line(checksFinished(checks));
      case TaskSucceeded succeeded -> line(green(bold("✔ succeeded")));
      case TaskFailed failed ->
          line(red(bold("✘ failed")) + ": " + Objects.toString(failed.reason(), ""));
      case TaskCancelled cancelled -> line(yellow(bold("■ cancelled")));
      case Unreadable unreadable -> line(dim(kind + " " + data));
    }
  }

  private String compacted(ContextCompacted compacted) {
    String how =
        switch (compacted.strategy()) {
          case ContextCompacted.CLEAR_TOOL_USES -> "old tool results cleared";
          case ContextCompacted.SUMMARIZE -> "earlier turns summarised";
          default -> "context compacted";
        };
    return dim(
        "⋯ "
            + how
            + String.format(
                Locale.ROOT,
                " (%,d → %,d tokens)",
                compacted.tokensBefore(),
                compacted.tokensAfter()));
  }

  private String setupFinished(SetupFinished setup) {
    String took = dim(" in " + millis(setup.durationMs()));
    if (setup.cached()) {
      return green("⚙ environment restored from cache") + took;
    }
    return setup.exitCode() == 0
        ? green("⚙ setup done") + took
        : red("⚙ setup failed") + " (exit " + setup.exitCode() + ")" + took;
  }

  /** The command is the person's or the repository's: control characters are shown as '?'. */
  private String checksFinished(ChecksFinished checks) {
    String command = checks.command().replaceAll("\\p{Cntrl}", "?");
    String counts = checks.counts().isEmpty() ? "" : " (" + checks.counts() + ")";
    String took = dim(" in " + millis(checks.durationMs()) + ", round " + checks.round());
    if (checks.succeeded()) {
      return green("✔ checks passed") + ": " + command + counts + took;
    }
    String how = checks.exitCode() == -1 ? "timed out" : "exit " + checks.exitCode();
    return red("✘ checks failed") + ": " + command + " (" + how + ")" + counts + took;
  }

  /** One-paragraph summary of a finished task, from its JSON. */
  void summary(JsonNode task) {
    endDelta();
    line("");
    line(bold("Task " + task.path("id").asText()) + "  " + status(task.path("status").asText()));
    JsonNode usage = task.path("usage");
    if (!usage.isMissingNode()) {
      line(
          String.format(
              Locale.ROOT,
              "  tokens  in %d · out %d · cache read %d · cache write %d   cost $%.4f",
              usage.path("inputTokens").asLong(),
              usage.path("outputTokens").asLong(),
              usage.path("cacheReadTokens").asLong(),
              usage.path("cacheWriteTokens").asLong(),
              usage.path("costUsd").asDouble()));
    }
    JsonNode timings = task.path("timings");
    if (timings.isObject() && timings.size() > 0) {
      StringBuilder text = new StringBuilder("  time   ");
      for (String phase : PHASES) {
        if (timings.has(phase)) {
          text.append(phase).append(' ').append(millis(timings.path(phase).asLong())).append("  ");
        }
      }
      line(text.toString().stripTrailing());
    }
    if (EventPayload.parse(EventKind.CHECKS_FINISHED.wire(), task.path("checks"))
        instanceof ChecksFinished last) {
      line("  " + checksFinished(last));
    }
    if (task.path("egressAllow").size() > 0) {
      List<String> hosts = new ArrayList<>();
      task.path("egressAllow").forEach(host -> hosts.add(host.asText()));
      line("  extra hosts " + String.join(", ", hosts));
    }
    if (task.hasNonNull("headBranch")) {
      line(
          "  branch "
              + task.path("headBranch").asText()
              + dim(" " + task.path("commit").asText("")));
    }
    if (task.hasNonNull("prUrl")) {
      line("  pull request " + task.path("prUrl").asText());
    }
    if (task.path("error").isObject()) {
      line(
          "  "
              + red(task.path("error").path("code").asText())
              + ": "
              + task.path("error").path("message").asText());
    }
  }

  /**
   * The host is what a program in the container asked the proxy for: untrusted, so control
   * characters (a terminal escape sequence) are shown as '?', never sent to the terminal.
   */
  private void blocked(NetworkBlocked blocked) {
    String host = blocked.host().replaceAll("\\p{Cntrl}", "?");
    String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + blocked.port();
    long count = Math.max(1, blocked.count()); // an old event without a count was one refusal
    line(
        yellow("⊘ blocked: ")
            + where
            + dim(" (" + count + (count == 1 ? " attempt" : " attempts") + ")")
            + " — allow it with --egress-allow or DOCKHAND_EGRESS_ALLOW");
  }

  private void assistantText(JsonNode content) {
    if (content == null) {
      return;
    }
    for (JsonNode block : content) {
      if ("text".equals(block.path("type").asText())) {
        line(block.path("text").asText());
      }
    }
  }

  private void toolCall(ToolCall call) {
    JsonNode input = call.input() == null ? MissingNode.getInstance() : call.input();
    if ("bash".equals(call.name())) {
      line(
          cyan("$ ")
              + input
                  .path("command")
                  .asText(input.path("restart").asBoolean() ? "(restart shell)" : ""));
    } else {
      line(cyan("✎ " + input.path("command").asText()) + " " + input.path("path").asText());
    }
  }

  private void toolResult(ToolResult result) {
    String output = result.output();
    Iterator<String> lines = output.lines().iterator();
    int shown = 0;
    while (lines.hasNext() && shown < RESULT_LINES) {
      String text = "  " + lines.next();
      line(result.isError() ? red(text) : dim(text));
      shown++;
    }
    long more = output.lines().count() - shown;
    if (more > 0) {
      line(dim("  … " + more + " more lines"));
    }
  }

  private void endDelta() {
    if (midDelta) {
      out.println();
      midDelta = false;
    }
  }

  private void line(String text) {
    out.println(text);
    out.flush();
  }

  private String status(String status) {
    return switch (status) {
      case "succeeded" -> green(status);
      case "failed" -> red(status);
      case "cancelled" -> yellow(status);
      default -> status;
    };
  }

  private static String millis(long ms) {
    return ms < 1000 ? ms + "ms" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  private String paint(String code, String text) {
    return colour ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }

  private String bold(String text) {
    return paint("1", text);
  }

  private String dim(String text) {
    return paint("2", text);
  }

  private String red(String text) {
    return paint("31", text);
  }

  private String green(String text) {
    return paint("32", text);
  }

  private String yellow(String text) {
    return paint("33", text);
  }

  private String cyan(String text) {
    return paint("36", text);
  }
}
