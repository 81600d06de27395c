package dev.dockhand.run;

import dev.dockhand.DockhandException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
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
  /**
   * How deep one pass of a delete goes: eight names of at most 255 bytes stay well inside the
   * 4096 bytes a path may have, and eight open directories are nothing.
   */
  static final int MAX_DEPTH = 8;
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
   * number of files, links pointing anywhere on the host, and directories nested deeper than a
   * path may be long. So the walk holds one open directory per level and never the list of all
   * paths; it never follows a link (a link is deleted itself, its target left alone); and it goes
   * at most {@link #MAX_DEPTH} levels down: a directory there is moved (one rename) to a spill
   * directory beside {@code dir}, whose contents the next pass deletes the same way. Each pass
   * takes {@code MAX_DEPTH} levels off the tree, so any depth is deleted with short paths and a
   * few open files.
   */
  public void delete(Path dir) {
    // Named afresh per delete, so that a spill left by a crash never stands in the way.
    String spills =
        dir.getFileName() + ".deep-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    try {
      Path current = dir;
      for (int pass = 1; Files.exists(current, LinkOption.NOFOLLOW_LINKS); pass++) {
        Path spill = dir.resolveSibling(spills + "-" + pass);
        Files.walkFileTree(current, Set.of(), MAX_DEPTH, new Deleter(spill));
        current = spill;
      }
    } catch (IOException e) {
      // The failing path is the container's choice of name: not for the log.
      String reason = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
      log.warn("cannot remove workspace {}: {} ({})", dir, e.getClass().getSimpleName(), reason);
    }
  }

  /**
   * Deletes files on the way down and each directory once it is empty, on the way up; moves the
   * directories at the depth limit to {@code spill}, named by a counter.
   */
  private static final class Deleter extends SimpleFileVisitor<Path> {
    private final Path spill;
    private long spilled;

    Deleter(Path spill) {
      this.spill = spill;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      // Not followed, links arrive here as links; so do directories at the depth limit.
      if (attrs.isDirectory()) {
        if (spilled == 0) {
          Files.createDirectory(spill);
        }
        Files.move(file, spill.resolve(Long.toString(++spilled)), LinkOption.NOFOLLOW_LINKS);
      } else {
        Files.deleteIfExists(file);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
      // A directory that cannot be opened can still go if it is empty; if not, this fails and
      // the failure is reported once, for the whole workspace.
      Files.deleteIfExists(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
      if (failure != null) {
        throw failure;
      }
      Files.deleteIfExists(dir);
      return FileVisitResult.CONTINUE;
    }
  }
}
