package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a task's directory, whose contents a container wrote and are therefore hostile: links are
 * removed, never followed, and the walk stays on the filesystem it started on, so a mount still in
 * place (or one planted by a bind) is left alone rather than emptied. The walk holds one directory
 * at a time, not every path. Stateless and thread-safe.
 */
final class TaskDiskTrees {
  private static final Logger log = LoggerFactory.getLogger(TaskDiskTrees.class);

  private TaskDiskTrees() {}

  /** Deletes {@code top} and what is below it; returns whether it is gone. Never throws. */
  static boolean delete(Path top) {
    try {
      if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
      Object device = Files.getAttribute(top, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Files.walkFileTree(top, new Deleter(device));
    } catch (IOException | RuntimeException e) {
      log.error("cannot delete task directory {}: {}", top, e.toString());
    }
    return !Files.exists(top, LinkOption.NOFOLLOW_LINKS);
  }

  private static final class Deleter extends SimpleFileVisitor<Path> {
    private final Object device;

    Deleter(Object device) {
      this.device = device;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
        throws IOException {
      if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
        log.error("not deleting {}: another filesystem is mounted there", dir);
        return FileVisitResult.SKIP_SUBTREE;
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      quietly(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      quietly(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
      quietly(dir);
      return FileVisitResult.CONTINUE;
    }

    private static void quietly(Path path) {
      try {
        Files.deleteIfExists(path);
      } catch (NoSuchFileException e) {
        // Already gone: what deleting wants.
      } catch (IOException e) {
        log.warn("cannot delete {}: {}", path, e.toString());
      }
    }
  }
}
