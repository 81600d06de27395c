package dev.dockhand.run;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deletes one workspace in a JVM of its own, so a test can give it a heap too small to hold the
 * tree's paths. Arguments: data directory, workspace. Exits 0 once the workspace is gone.
 */
public final class WorkspaceDeleteMain {
  private WorkspaceDeleteMain() {}

  public static void main(String[] args) {
    Path workspace = Path.of(args[1]);
    long start = System.nanoTime();
    new Workspaces(Path.of(args[0]), "node").delete(workspace);
    System.out.println("deleted in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    System.exit(Files.exists(workspace) ? 1 : 0);
  }
}
