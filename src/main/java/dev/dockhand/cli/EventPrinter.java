package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** Renders task events for a terminal, with colour when the terminal wants it. Not thread-safe. */
final class EventPrinter {
  private static final int RESULT_LINES = 15;
  private final PrintStream out;
  private final boolean colour;
  private boolean midDelta;
  private boolean sawDelta;

  EventPrinter(PrintStream out, boolean colour) {
    this.out = out;
    this.colour = colour;
  }

  void delta(String text) {
    out.print(text);
    out.flush();
    midDelta = !text.endsWith("\n");
    sawDelta = true;
  }

  void event(String kind, JsonNode data) {
    boolean streamed = sawDelta;
    sawDelta = false;
    endDelta();
    switch (kind) {
      case "task.queued" -> line(dim("· queued"));
      case "task.started" -> line(bold("▶ started") + dim(" (attempt " + data.path("attempt").asInt() + ")"));
      case "task.retrying" ->
          line(
              yellow("↻ retrying")
                  + " attempt "
                  + data.path("attempt").asInt()
                  + ": "
                  + data.path("reason").asText()
                  + dim(" (not before " + data.path("runAfter").asText() + ")"));
      case "message.user" -> line(bold("you: ") + data.path("content").asText());
      case "message.assistant" -> {
        if (!streamed) {
          assistantText(data.path("content"));
        }
      }
      case "tool.call" -> toolCall(data);
      case "tool.result" -> toolResult(data);
      case "git.pushed" ->
          line(green("⇡ pushed ") + data.path("branch").asText() + dim(" " + data.path("commit").asText()));
      case "pr.opened" -> line(green("⇄ pull request ") + data.path("url").asText());
      case "network.blocked" -> blocked(data);
      case "task.succeeded" -> line(green(bold("✔ succeeded")));
      case "task.failed" -> line(red(bold("✘ failed")) + ": " + data.path("reason").asText());
      case "task.cancelled" -> line(yellow(bold("■ cancelled")));
      default -> line(dim(kind + " " + data));
    }
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
      for (String phase : new String[] {"queued", "clone", "container", "firstToken", "agent", "push", "total"}) {
        if (timings.has(phase)) {
          text.append(phase).append(' ').append(millis(timings.path(phase).asLong())).append("  ");
        }
      }
      line(text.toString().stripTrailing());
    }
    if (task.path("egressAllow").size() > 0) {
      List<String> hosts = new ArrayList<>();
      task.path("egressAllow").forEach(host -> hosts.add(host.asText()));
      line("  extra hosts " + String.join(", ", hosts));
    }
    if (task.hasNonNull("headBranch")) {
      line("  branch " + task.path("headBranch").asText() + dim(" " + task.path("commit").asText("")));
    }
    if (task.hasNonNull("prUrl")) {
      line("  pull request " + task.path("prUrl").asText());
    }
    if (task.path("error").isObject()) {
      line("  " + red(task.path("error").path("code").asText()) + ": " + task.path("error").path("message").asText());
    }
  }

  /**
   * The host is what a program in the container asked the proxy for: untrusted, so control
   * characters (a terminal escape sequence) are shown as '?', never sent to the terminal.
   */
  private void blocked(JsonNode data) {
    String host = data.path("host").asText().replaceAll("\\p{Cntrl}", "?");
    String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + data.path("port").asInt();
    long count = data.path("count").asLong(1);
    line(
        yellow("⊘ blocked: ")
            + where
            + dim(" (" + count + (count == 1 ? " attempt" : " attempts") + ")")
            + " — allow it with --egress-allow or DOCKHAND_EGRESS_ALLOW");
  }

  private void assistantText(JsonNode content) {
    for (JsonNode block : content) {
      if ("text".equals(block.path("type").asText())) {
        line(block.path("text").asText());
      }
    }
  }

  private void toolCall(JsonNode data) {
    JsonNode input = data.path("input");
    if ("bash".equals(data.path("name").asText())) {
      line(cyan("$ ") + input.path("command").asText(input.path("restart").asBoolean() ? "(restart shell)" : ""));
    } else {
      line(cyan("✎ " + input.path("command").asText()) + " " + input.path("path").asText());
    }
  }

  private void toolResult(JsonNode data) {
    String output = data.path("output").asText();
    Iterator<String> lines = output.lines().iterator();
    int shown = 0;
    while (lines.hasNext() && shown < RESULT_LINES) {
      String text = "  " + lines.next();
      line(data.path("isError").asBoolean() ? red(text) : dim(text));
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
