package dev.dockhand.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.agent.WorkspacePaths.Kind;
import dev.dockhand.agent.WorkspacePaths.Resolved;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code str_replace_based_edit_tool} (type {@code text_editor_20250728}): view, create,
 * str_replace and insert, on paths confined to /workspace. Contents travel on the command's
 * standard input and output, never through a shell string; edits are made here and written back
 * whole. Stateless and thread-safe.
 */
final class EditorTool {
  static final String NAME = "str_replace_based_edit_tool";

  private static final Duration FILE_TIMEOUT = Duration.ofSeconds(60);
  // The path arrives as "$1": never part of the script text.
  private static final String WRITE = "mkdir -p -- \"$(dirname -- \"$1\")\" && cat > \"$1\"";

  ToolResult run(SandboxContainer container, JsonNode input) {
    String command = input.path("command").asText("");
    String path = input.path("path").asText(null);
    return switch (command) {
      case "view" -> view(container, WorkspacePaths.resolve(container, path), input);
      case "create" -> create(container, WorkspacePaths.resolve(container, path), input);
      case "str_replace" -> replace(container, existingFile(container, path), input);
      case "insert" -> insert(container, existingFile(container, path), input);
      default ->
          throw new ToolFailure(
              "Unknown command '" + command + "'; use view, create, str_replace or insert.");
    };
  }

  private ToolResult view(SandboxContainer container, Resolved target, JsonNode input) {
    return switch (target.kind()) {
      case MISSING -> throw new ToolFailure("The path " + target.path() + " does not exist.");
      case DIRECTORY -> ToolResult.ok(list(container, target.path()));
      case FILE ->
          ToolResult.ok(numbered(read(container, target.path()), input.path("view_range")));
    };
  }

  private ToolResult create(SandboxContainer container, Resolved target, JsonNode input) {
    if (target.kind() == Kind.DIRECTORY) {
      throw new ToolFailure("The path " + target.path() + " is a directory.");
    }
    JsonNode text = input.path("file_text");
    if (!text.isTextual()) {
      throw new ToolFailure("create needs \"file_text\".");
    }
    write(container, target.path(), text.asText());
    return ToolResult.ok("File created successfully at: " + target.path());
  }

  private ToolResult replace(SandboxContainer container, Resolved target, JsonNode input) {
    JsonNode oldNode = input.path("old_str");
    if (!oldNode.isTextual() || oldNode.asText().isEmpty()) {
      throw new ToolFailure("str_replace needs a non-empty \"old_str\".");
    }
    String oldText = oldNode.asText();
    String newText = input.path("new_str").asText("");
    String content = read(container, target.path());
    int first = content.indexOf(oldText);
    if (first < 0) {
      throw new ToolFailure(
          "No replacement was performed: old_str did not appear verbatim in "
              + target.path()
              + ".");
    }
    if (content.indexOf(oldText, first + 1) >= 0) {
      throw new ToolFailure(
          "No replacement was performed: old_str appears more than once in "
              + target.path()
              + "; include more context to make it unique.");
    }
    String edited =
        content.substring(0, first) + newText + content.substring(first + oldText.length());
    write(container, target.path(), edited);
    int line = lineOf(edited, first);
    return ToolResult.ok(
        "The file "
            + target.path()
            + " has been edited.\n"
            + snippet(edited, line, lineOf(edited, first + newText.length())));
  }

  private ToolResult insert(SandboxContainer container, Resolved target, JsonNode input) {
    JsonNode text = input.has("insert_text") ? input.path("insert_text") : input.path("new_str");
    JsonNode lineNode = input.path("insert_line");
    if (!text.isTextual() || !lineNode.canConvertToInt()) {
      throw new ToolFailure("insert needs \"insert_line\" and \"insert_text\".");
    }
    List<String> lines = new ArrayList<>(read(container, target.path()).lines().toList());
    int after = lineNode.asInt();
    if (after < 0 || after > lines.size()) {
      throw new ToolFailure(
          "insert_line must be between 0 and " + lines.size() + ", got " + after + ".");
    }
    List<String> inserted = text.asText().lines().toList();
    lines.addAll(after, inserted);
    String edited = String.join("\n", lines) + "\n";
    write(container, target.path(), edited);
    return ToolResult.ok(
        "The file "
            + target.path()
            + " has been edited.\n"
            + snippet(edited, after + 1, after + inserted.size()));
  }

  private static Resolved existingFile(SandboxContainer container, String path) {
    Resolved target = WorkspacePaths.resolve(container, path);
    if (target.kind() != Kind.FILE) {
      throw new ToolFailure(
          "The path "
              + target.path()
              + (target.kind() == Kind.MISSING ? " does not exist." : " is a directory."));
    }
    return target;
  }

  private static String read(SandboxContainer container, String path) {
    ExecResult result = container.exec(ExecRequest.of(FILE_TIMEOUT, "cat", "--", path));
    if (result.exitCode() != 0) {
      throw new ToolFailure("Cannot read " + path + ": " + result.output().strip());
    }
    if (result.truncated()) {
      throw new ToolFailure(
          path + " is too large for this tool; use bash (head, sed -n, grep) instead.");
    }
    return result.output();
  }

  private static void write(SandboxContainer container, String path, String content) {
    ExecResult result =
        container.exec(
            new ExecRequest(
                List.of("sh", "-c", WRITE, "sh", path),
                WorkspacePaths.ROOT,
                Map.of(),
                content.getBytes(StandardCharsets.UTF_8),
                FILE_TIMEOUT,
                chunk -> {}));
    if (result.exitCode() != 0) {
      throw new ToolFailure("Cannot write " + path + ": " + result.output().strip());
    }
  }

  private static String list(SandboxContainer container, String path) {
    ExecResult result =
        container.exec(
            ExecRequest.of(
                FILE_TIMEOUT,
                "find",
                path,
                "-mindepth",
                "1",
                "-maxdepth",
                "2",
                "-name",
                ".*",
                "-prune",
                "-o",
                "-print"));
    if (result.exitCode() != 0) {
      throw new ToolFailure("Cannot list " + path + ": " + result.output().strip());
    }
    List<String> entries = result.output().lines().sorted().toList();
    return "Files and directories up to 2 levels deep in "
        + path
        + ", hidden items excluded:\n"
        + String.join("\n", entries);
  }

  private static String numbered(String content, JsonNode range) {
    List<String> lines = content.lines().toList();
    int from = 1;
    int to = lines.size();
    if (range.isArray() && range.size() == 2) {
      from = range.get(0).asInt();
      to = range.get(1).asInt() == -1 ? lines.size() : range.get(1).asInt();
      if (from < 1 || from > Math.max(1, lines.size()) || to < from || to > lines.size()) {
        throw new ToolFailure(
            "view_range must be [start, end] within 1.."
                + lines.size()
                + " (end -1 means the last line).");
      }
    }
    StringBuilder out = new StringBuilder();
    for (int number = from; number <= to && number <= lines.size(); number++) {
      out.append(String.format("%6d\t%s\n", number, lines.get(number - 1)));
    }
    return out.isEmpty() ? "(empty file)" : out.toString();
  }

  private static String snippet(String content, int firstLine, int lastLine) {
    List<String> lines = content.lines().toList();
    int from = Math.max(1, firstLine - 3);
    int to = Math.min(lines.size(), lastLine + 3);
    StringBuilder out = new StringBuilder("Lines " + from + "-" + to + " now read:\n");
    for (int number = from; number <= to; number++) {
      out.append(String.format("%6d\t%s\n", number, lines.get(number - 1)));
    }
    return out.toString();
  }

  private static int lineOf(String content, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < content.length(); i++) {
      if (content.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
