package dev.dockhand.env;

import dev.dockhand.sandbox.TaskDiskTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Moving and deleting the cache's own trees; links are moved or deleted, never followed. */
final class CacheFiles {
  private CacheFiles() {}

  /** Moves each entry of {@code from} into {@code to}, one rename each (same filesystem only). */
  static void moveChildren(Path from, Path to) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
      entries.forEach(children::add);
    }
    for (Path child : children) {
      Files.move(child, to.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /**
   * Deletes {@code top} and all below it; returns whether it is gone. Never throws. The trees are
   * copies of what containers wrote, so this is the task disks' own delete: links removed, never
   * followed, no mount entered, and any depth (a saved tree may be 128 levels deep, past what one
   * path can name).
   */
  static boolean delete(Path top) {
    return TaskDiskTrees.delete(top);
  }
}
