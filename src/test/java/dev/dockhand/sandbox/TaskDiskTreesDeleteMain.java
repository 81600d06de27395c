package dev.dockhand.sandbox;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Deletes one task directory in a JVM of its own, so a test can give it a heap too small to hold
 * the tree's paths. Argument: the directory. Exits 0 once it is gone and the delete said so.
 */
public final class TaskDiskTreesDeleteMain {
  private TaskDiskTreesDeleteMain() {}

  public static void main(String[] args) {
    Path top = Path.of(args[0]);
    long start = System.nanoTime();
    boolean gone = TaskDiskTrees.delete(top);
    System.out.println("deleted in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    System.exit(gone && !Files.exists(top, LinkOption.NOFOLLOW_LINKS) ? 0 : 1);
  }
}
