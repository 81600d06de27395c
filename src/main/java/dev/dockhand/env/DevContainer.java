package dev.dockhand.env;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the setup commands out of a repository's devcontainer.json. The file is the repository's
 * and so hostile: it is bounded in size and depth, only its three lifecycle commands that prepare a
 * workspace are read ({@code onCreateCommand}, {@code updateContentCommand}, {@code
 * postCreateCommand}, in that order), and they only ever run inside the sandbox. Everything else in
 * it (image, mounts, run arguments, capabilities, ports, features) is ignored: a repository cannot
 * change how its sandbox is made. Stateless.
 */
public final class DevContainer {
  /** Where the devcontainer convention looks, in order. */
  public static final List<String> FILES =
      List.of(".devcontainer/devcontainer.json", ".devcontainer.json");

  public static final int MAX_BYTES = 64 * 1024;
  static final int MAX_COMMANDS = 32;
  static final List<String> LIFECYCLE =
      List.of("onCreateCommand", "updateContentCommand", "postCreateCommand");

  private static final ObjectMapper JSONC =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(32)
                          .maxStringLength(EnvironmentSettings.MAX_COMMAND_CHARS)
                          .build())
                  .build())
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  private DevContainer() {}

  /** The file could not be used; the message names the file and what is wrong. */
  public static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  /** The setup commands of {@code file}'s content, in the order the convention runs them. */
  public static RepoEnvironment parse(String file, byte[] content) throws Unreadable {
    if (content.length > MAX_BYTES) {
      throw new Unreadable(file + " is larger than " + MAX_BYTES / 1024 + " KiB");
    }
    JsonNode root;
    try {
      root = JSONC.readTree(content);
    } catch (JsonProcessingException e) {
      throw new Unreadable(
          file + " is not valid JSON (with comments): " + e.getOriginalMessage() + where(e));
    } catch (java.io.IOException e) {
      throw new Unreadable(file + " cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Unreadable(file + " must hold a JSON object");
    }
    List<EnvCommand> setup = new ArrayList<>();
    for (String field : LIFECYCLE) {
      JsonNode value = root.get(field);
      if (value != null && !value.isNull()) {
        addCommands(file, field, value, setup);
      }
    }
    if (setup.size() > MAX_COMMANDS) {
      throw new Unreadable(file + " names more than " + MAX_COMMANDS + " setup commands");
    }
    return RepoEnvironment.devcontainer(file, setup);
  }

  /** A string (run by a shell), an array (run as it is) or an object of named commands. */
  private static void addCommands(String file, String field, JsonNode value, List<EnvCommand> out)
      throws Unreadable {
    if (value.isObject()) {
      for (Map.Entry<String, JsonNode> entry : value.properties()) {
        addOne(file, field + "." + entry.getKey(), entry.getValue(), out);
      }
    } else {
      addOne(file, field, value, out);
    }
  }

  private static void addOne(String file, String field, JsonNode value, List<EnvCommand> out)
      throws Unreadable {
    if (value.isTextual()) {
      String script = value.asText().strip();
      if (script.indexOf('\0') >= 0) {
        throw new Unreadable(file + ": " + field + " contains a NUL character");
      }
      if (!script.isEmpty()) {
        out.add(new EnvCommand.Shell(script));
      }
      return;
    }
    if (value.isArray() && !value.isEmpty()) {
      List<String> argv = new ArrayList<>();
      for (JsonNode item : value) {
        if (!item.isTextual() || item.asText().indexOf('\0') >= 0) {
          throw new Unreadable(file + ": " + field + " must be an array of strings");
        }
        argv.add(item.asText());
      }
      out.add(new EnvCommand.Argv(argv));
      return;
    }
    throw new Unreadable(
        file + ": " + field + " must be a string, a non-empty array of strings or an object");
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }
}
