package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Hands a task's workspace to the sandbox user. The coordinator clones as root on the host, and the
 * agent runs as an unprivileged uid inside the container, so without this the agent could read the
 * repository but not change it. Ownership is given (not mode 0777) so nothing else on the host can
 * write there; the coordinator, being root, can still commit, push and delete it afterwards.
 *
 * <p>Something may still be removing files under the workspace while the walk runs (a lock file of
 * git's housekeeping, say): a file or directory that is gone by the time the walk reaches it needs
 * no owner, so it is skipped. A refused change of owner is this host's configuration and final; any
 * other fault of the host's disk is retryable, since the next attempt gets a fresh workspace.
 * Stateless.
 */
final class Workspaces {
  private Workspaces() {}

  static void giveTo(Path workspace, SandboxUser user) {
    if (!Files.isDirectory(workspace)) {
      throw new IllegalArgumentException("workspace " + workspace + " is not a directory");
    }
    try {
      Files.walkFileTree(workspace, new OwnerGiver(workspace, user));
    } catch (IOException | UnsupportedOperationException e) {
      boolean configuration = refused(e);
      throw new SandboxException(
          "cannot give workspace "
              + workspace
              + " to uid "
              + user.uid()
              + " ("
              + SandboxException.rootMessage(e)
              + ")"
              + (configuration
                  ? "; run the server as root or set DOCKHAND_SANDBOX_USER to its uid:gid"
                  : ""),
          !configuration,
          e);
    }
  }

  /** Whether the host refused the change of owner itself, which no retry can mend. */
  private static boolean refused(Exception e) {
    if (e instanceof UnsupportedOperationException || e instanceof AccessDeniedException) {
      return true;
    }
    return e instanceof FileSystemException failure
        && failure.getReason() != null
        && failure.getReason().contains("Operation not permitted");
  }

  private static final class OwnerGiver extends SimpleFileVisitor<Path> {
    private final Path root;
    private final SandboxUser user;

    OwnerGiver(Path root, SandboxUser user) {
      this.root = root;
      this.user = user;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
        throws IOException {
      return chown(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
      chown(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
      if (vanished(file, failure)) {
        return FileVisitResult.CONTINUE;
      }
      throw failure;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
      if (failure != null && !vanished(dir, failure)) {
        throw failure;
      }
      return FileVisitResult.CONTINUE;
    }

    /**
     * False when the path was gone before its owner could be changed. A path the user owns already
     * is left alone: on a restored environment's overlay even a change to the same owner would copy
     * the file up into the task's disk.
     */
    private boolean chown(Path path) throws IOException {
      try {
        Map<String, Object> owner =
            Files.readAttributes(path, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
        if (owner.get("uid").equals(user.uid()) && owner.get("gid").equals(user.gid())) {
          return true;
        }
        Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        return true;
      } catch (NoSuchFileException gone) {
        if (vanished(path, gone)) {
          return false;
        }
        throw gone;
      }
    }

    /** The workspace itself must stay; anything beneath it may go while the walk runs. */
    private boolean vanished(Path path, IOException failure) {
      return failure instanceof NoSuchFileException && !path.equals(root);
    }
  }
}
