package dev.dockhand.agent;

import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Confines the editor's paths to /workspace: first by normalising the path as written ({@code ..}
 * included), then by resolving it inside the container with {@code realpath -m}, so a symlink that
 * points out of the workspace is refused too. Stateless and thread-safe.
 */
final class WorkspacePaths {
  static final String ROOT = "/workspace";

  enum Kind {
    DIRECTORY,
    FILE,
    MISSING
  }

  /** A path resolved inside the container, and what is there. */
  record Resolved(String path, Kind kind) {}

  // The path arrives as "$1": never part of the script text.
  private static final String RESOLVE =
      """
      p=$(realpath -m -- "$1") || exit 2
      printf '%s\\n' "$p"
      if [ -d "$p" ]; then echo directory; elif [ -e "$p" ]; then echo file; else echo missing; fi
      """;

  private WorkspacePaths() {}

  /** The path as written, made absolute (relative paths start at /workspace) and normalised. */
  static String normalise(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new ToolFailure("The path is missing.");
    }
    if (raw.indexOf('\0') >= 0 || raw.indexOf('\n') >= 0) {
      throw new ToolFailure("The path contains a NUL or newline character.");
    }
    String absolute = raw.startsWith("/") ? raw : ROOT + "/" + raw;
    String normal = Path.of(absolute).normalize().toString();
    requireInside(raw, normal);
    return normal;
  }

  static Resolved resolve(SandboxContainer container, String raw) {
    String normal = normalise(raw);
    ExecResult result =
        container.exec(
            new ExecRequest(
                List.of("sh", "-c", RESOLVE, "sh", normal),
                ROOT,
                Map.of(),
                null,
                Duration.ofSeconds(30),
                chunk -> {}));
    List<String> lines = result.output().strip().lines().toList();
    if (result.exitCode() != 0 || lines.size() < 2) {
      throw new ToolFailure("Cannot resolve " + raw + ": " + result.output().strip());
    }
    String real = lines.get(lines.size() - 2);
    requireInside(raw, real);
    Kind kind =
        switch (lines.get(lines.size() - 1)) {
          case "directory" -> Kind.DIRECTORY;
          case "file" -> Kind.FILE;
          default -> Kind.MISSING;
        };
    return new Resolved(real, kind);
  }

  private static void requireInside(String raw, String path) {
    if (!path.equals(ROOT) && !path.startsWith(ROOT + "/")) {
      throw new ToolFailure(
          "The path "
              + raw
              + " is outside "
              + ROOT
              + "; only files under "
              + ROOT
              + " may be used.");
    }
  }
}
