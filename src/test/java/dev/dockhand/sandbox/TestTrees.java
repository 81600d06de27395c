package dev.dockhand.sandbox;

import java.nio.file.Path;

/**
 * Removes what a test or benchmark made in the system temp folder, with the same delete the server
 * uses for task disks: links not followed, mounts left alone, any depth. Stateless.
 */
public final class TestTrees {
  private TestTrees() {}

  /** Deletes {@code top} and what is below it; says so on stderr when something stays. */
  public static void delete(Path top) {
    if (!TaskDiskTrees.delete(top)) {
      System.err.println("could not delete all of " + top + " (a mount still in place?)");
    }
  }
}
