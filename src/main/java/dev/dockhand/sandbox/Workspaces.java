package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Hands a task's workspace to the sandbox user. The coordinator clones as root on the host, and the
 * agent runs as an unprivileged uid inside the container, so without this the agent could read the
 * repository but not change it. Ownership is given (not mode 0777) so nothing else on the host can
 * write there; the coordinator, being root, can still commit, push and delete it afterwards.
 */
final class Workspaces {
  private Workspaces() {}

  static void giveTo(Path workspace, SandboxUser user) {
    if (!Files.isDirectory(workspace)) {
      throw new IllegalArgumentException("workspace " + workspace + " is not a directory");
    }
    try {
      Files.walkFileTree(
          workspace,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              chown(dir, user);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              chown(file, user);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | UnsupportedOperationException e) {
      throw new SandboxException(
          "cannot give workspace "
              + workspace
              + " to uid "
              + user.uid()
              + " ("
              + SandboxException.rootMessage(e)
              + "); run the server as root or set DOCKHAND_SANDBOX_USER to its uid:gid",
          false,
          e);
    }
  }

  private static void chown(Path path, SandboxUser user) throws IOException {
    Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
  }
}
