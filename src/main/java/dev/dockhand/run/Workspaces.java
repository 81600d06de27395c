package dev.dockhand.run;

import dev.dockhand.DockhandException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host directories that task attempts clone into, one per attempt under {@code
 * <data dir>/workspaces/<node>}. A node owns its folder alone, so at start-up everything left there
 * by a dead process is removed. Thread-safe.
 */
public final class Workspaces {
  private static final Logger log = LoggerFactory.getLogger(Workspaces.class);
  private final Path root;

  public Workspaces(Path dataDir, String nodeId) {
    this.root = dataDir.resolve("workspaces").resolve(nodeId);
  }

  /** Removes workspaces a previous process of this node left behind. */
  public void clearLeftovers() {
    if (Files.isDirectory(root)) {
      try (Stream<Path> children = Files.list(root)) {
        children.forEach(this::delete);
      } catch (IOException e) {
        log.warn("cannot list old workspaces in {}: {}", root, e.toString());
      }
    }
  }

  /** A fresh, empty directory for this attempt. */
  public Path create(String taskId, int attempt) {
    Path dir = root.resolve(taskId + "-" + attempt);
    delete(dir);
    try {
      Files.createDirectories(dir);
      return dir;
    } catch (IOException e) {
      throw new DockhandException("workspace", "cannot create a workspace: " + e.getMessage(), true, e);
    }
  }

  public void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(Workspaces::deleteOne);
    } catch (IOException | UncheckedIOException e) {
      log.warn("cannot remove workspace {}: {}", dir, e.toString());
    }
  }

  private static void deleteOne(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
