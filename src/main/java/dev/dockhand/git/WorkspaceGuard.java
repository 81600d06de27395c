package dev.dockhand.git;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Makes a workspace that an agent has had in its hands safe for JGit on the host. The agent can
 * rewrite anything under {@code .git}: a config that signs with an arbitrary program or rewrites
 * the remote, alternates or symbolic links that reach another task's objects, a FIFO that hangs a
 * read. Before each host-side operation the git directory must hold only plain files and
 * directories, redirection files are removed, and the config is put back as it was after the clone.
 * The container should be stopped first, so nothing changes between check and use. Stateless.
 */
final class WorkspaceGuard {
  private static final List<String> REDIRECTIONS =
      List.of(
          "objects/info/alternates", "objects/info/http-alternates", "commondir", "info/grafts");

  private WorkspaceGuard() {}

  static void secure(Path workTree, String trustedConfig) {
    Path gitDir = workTree.resolve(".git");
    if (!Files.isDirectory(gitDir, LinkOption.NOFOLLOW_LINKS)) {
      throw GitException.workspace(".git is missing or is not a plain directory");
    }
    try {
      Files.walkFileTree(gitDir, new RefuseLinks(gitDir));
      removeSpecialFiles(workTree, gitDir);
      for (String redirection : REDIRECTIONS) {
        Files.deleteIfExists(gitDir.resolve(redirection));
      }
      Path config = gitDir.resolve("config");
      Path fresh = gitDir.resolve("config.dockhand");
      Files.writeString(fresh, trustedConfig);
      Files.move(
          fresh, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw GitException.workspace("cannot check .git (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** FIFOs and sockets in the work tree cannot be committed, and reading one would block. */
  private static void removeSpecialFiles(Path workTree, Path gitDir) throws IOException {
    Files.walkFileTree(
        workTree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            return dir.equals(gitDir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isOther()) {
              Files.delete(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static String printable(Path path) {
    return path.toString().replaceAll("\\p{Cntrl}", "?");
  }

  private static final class RefuseLinks extends SimpleFileVisitor<Path> {
    private final Path gitDir;

    RefuseLinks(Path gitDir) {
      this.gitDir = gitDir;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
      if (attributes.isSymbolicLink() || attributes.isOther()) {
        throw GitException.workspace(
            ".git/"
                + printable(gitDir.relativize(file))
                + " is a link or special file, which git never writes");
      }
      return FileVisitResult.CONTINUE;
    }
  }
}
