package dev.dockhand.run;

import dev.dockhand.DockhandException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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

  /**
   * Deletes {@code dir} and everything under it. The container wrote this tree, so it may hold any
   * number of files and links pointing anywhere on the host: the walk holds one directory's open
   * handle per level (never the list of all paths) and never follows a link — a link is deleted
   * itself, its target is left alone.
   */
  public void delete(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new Deleter());
    } catch (IOException e) {
      log.warn("cannot remove workspace {}: {}", dir, e.toString());
    }
  }

  /** Deletes files on the way down and each directory once it is empty, on the way up. */
  private static final class Deleter extends SimpleFileVisitor<Path> {
    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      // Links, sockets and fifos arrive here too: walkFileTree does not follow links by default.
      deleteOne(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
      // A directory that cannot be opened can still go if it is empty; if not, this fails and
      // the failure is reported once, for the whole workspace.
      deleteOne(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
      if (failure != null) {
        throw failure;
      }
      deleteOne(dir);
      return FileVisitResult.CONTINUE;
    }

    private static void deleteOne(Path path) throws IOException {
      Files.deleteIfExists(path);
    }
  }
}
